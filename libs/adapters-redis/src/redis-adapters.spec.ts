import { fanOutContract, membershipContract, statisticsCheckpointsContract } from '@ocs/testing';
import Redis from 'ioredis';
import { RedisFanOut } from './redis-fan-out';
import { RedisMembership } from './redis-membership';
import { RedisStatisticsCheckpoints } from './redis-statistics-checkpoints';

const server = process.env.OCS_TEST_REDIS;
if (!server && (process.env.CI || process.env.OCS_REQUIRE_SERVICES)) {
  throw new Error('OCS_TEST_REDIS is not set: the Redis adapters must run against a real server (e.g. redis://127.0.0.1:16379; see deploy/local/services.sh)');
}

/** Every test gets its own prefix under one per run, so runs and tests sharing a server do not meet. */
const runPrefix = `ocs-test:${process.pid}-${Date.now().toString(36)}:`;
let created = 0;
const nextPrefix = () => `${runPrefix}${(created += 1)}:`;

function redisSuites(url: string): void {
  afterAll(async () => {
    const redis = new Redis(url);
    const keys = await redis.keys(`${runPrefix}*`);
    if (keys.length > 0) await redis.del(keys);
    await redis.quit();
  });

  membershipContract('redis', async () => {
    const membership = new RedisMembership({ url, keyPrefix: nextPrefix() });
    return { membership, close: () => membership.close() };
  });

  statisticsCheckpointsContract('redis', async () => {
    const checkpoints = new RedisStatisticsCheckpoints({ url, keyPrefix: nextPrefix() });
    return { checkpoints, close: () => checkpoints.close() };
  });

  fanOutContract('redis', async () => {
    const keyPrefix = nextPrefix();
    const [a, b] = [new RedisFanOut({ url, keyPrefix }), new RedisFanOut({ url, keyPrefix })];
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
  });

  it('keeps keys and channels under the key prefix, so clusters sharing a server stay apart', async () => {
    const [first, second] = [nextPrefix(), nextPrefix()];
    const membership = [new RedisMembership({ url, keyPrefix: first }), new RedisMembership({ url, keyPrefix: second })];
    const fanOut = new RedisFanOut({ url, keyPrefix: first });
    const redis = new Redis(url);
    try {
      await membership[0].heartbeat({ nodeId: 'n1', url: 'http://n1', draining: false, limited: false, sessions: 0 }, 60_000);
      await membership[0].setRoute('S-1', 'n1', 60_000);
      expect(await membership[1].alive()).toEqual([]);
      expect(await membership[1].route('S-1')).toBeUndefined();
      expect((await redis.keys(`${first}*`)).sort()).toEqual([`${first}node:n1`, `${first}nodes`, `${first}route:S-1`]);

      const unsubscribe = await fanOut.subscribe('party-1', () => undefined);
      expect(await redis.pubsub('NUMSUB', `${first}fanout:party-1`, `${second}fanout:party-1`)).toEqual([
        `${first}fanout:party-1`,
        1,
        `${second}fanout:party-1`,
        0,
      ]);
      await unsubscribe();
      expect(await redis.pubsub('NUMSUB', `${first}fanout:party-1`)).toEqual([`${first}fanout:party-1`, 0]);
    } finally {
      await Promise.all([...membership, fanOut].map((c) => c.close()));
      await redis.quit();
    }
  });
}

// Without a server the suites are listed as skipped, under a name that says so.
(server ? describe : describe.skip)(server ? `Redis adapters against ${server}` : 'Redis adapters: real-server contract NOT RUN (OCS_TEST_REDIS not set)', () =>
  redisSuites(server ?? ''),
);
