import type { StatisticsFold } from '@ocs/reporting-statistics';

/** The statistics calculator the reporting attacher runs (none yet: no attacher is started, and closing actions do not wait). */
export const statisticsFold: StatisticsFold | undefined = undefined;
