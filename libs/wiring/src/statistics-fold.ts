import { foldStatistics, type StatisticsFold } from '@ocs/reporting-statistics';

/** The statistics calculator the reporting attacher runs; without one, no attacher starts and closings do not wait. */
export const statisticsFold: StatisticsFold | undefined = foldStatistics;
