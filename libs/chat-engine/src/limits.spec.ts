import { ChatError } from '@ocs/chat-domain';
import { AverageOverInterval } from './average-over-interval';
import { SessionLimits } from './limits';

const load = (sessions: number, flexUsers: number) => ({ sessions, flexUsers: () => flexUsers });

describe('SessionLimits', () => {
  it('limit-for-flex-users: refuses at the limit and opens again only at limits-restore-threshold (400 / 80 %: 320)', () => {
    const limits = new SessionLimits({ sessions: 1000, flexUsers: 400, restorePercent: 80 });
    expect(limits.overLimit(load(10, 399))).toBe(false);
    expect(() => limits.assertUnder(load(10, 400))).toThrow(/limit-for-flex-users of 400/);
    expect(limits.overLimit(load(10, 321))).toBe(true);
    expect(limits.overLimit(load(10, 320))).toBe(false);
  });

  it('limit-for-reply-delay: judged on the average of the last whole limit-average-interval, restored at the threshold', () => {
    let now = 0;
    const limits = new SessionLimits({ sessions: 1000, replyDelayMs: 100, averageIntervalMs: 15_000, restorePercent: 50 }, { now: () => now });
    for (const ms of [90, 130, 110]) limits.recordReplyDelay(ms); // average 110, counted once the interval ends
    expect(limits.overLimit(load(0, 0))).toBe(false);
    now = 15_000;
    const refused = (() => {
      try {
        limits.assertUnder(load(0, 0));
      } catch (error) {
        return error as ChatError;
      }
    })();
    expect(refused?.code).toBe('LIMIT_REACHED');
    expect(refused?.message).toContain('limit-for-reply-delay of 100');
    limits.recordReplyDelay(60); // above 50 % of 100: still limited after the next interval
    now = 30_000;
    expect(limits.overLimit(load(0, 0))).toBe(true);
    limits.recordReplyDelay(50);
    now = 45_000;
    expect(limits.overLimit(load(0, 0))).toBe(false);
  });

  it('any limit reached closes the door; each has its own hysteresis', () => {
    const limits = new SessionLimits({ sessions: 10, flexUsers: 20, restorePercent: 50 });
    expect(limits.overLimit(load(10, 0))).toBe(true);
    expect(limits.overLimit(load(5, 20))).toBe(true); // sessions restored, flex users reached
    expect(limits.overLimit(load(5, 10))).toBe(false);
  });
});

describe('AverageOverInterval', () => {
  it('an interval without values averages 0; a gap of a whole interval forgets the older values', () => {
    const average = new AverageOverInterval(1000, 0);
    average.add(10, 100);
    average.add(30, 900);
    expect(average.average(999)).toBe(0);
    expect(average.average(1000)).toBe(20);
    average.add(50, 1500);
    expect(average.average(3100)).toBe(0);
  });
});
