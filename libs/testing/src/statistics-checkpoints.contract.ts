import { alreadyApplied, type StatisticsCheckpoint, type StatisticsCheckpoints } from '@ocs/ports';
import { eachTest } from './fixture';

const LONG_TTL_MS = 60_000;
/** Short enough to wait for, long enough that a busy machine does not expire it before it is read back. */
const SHORT_TTL_MS = 300;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const open: StatisticsCheckpoint = {
  state: { parties: [{ id: 'p1', joinedAt: 1_700_000_000_123, nick: 'Zoë 😀' }], counts: { messages: 3 }, nested: [[1, 2], []] },
  position: { partition: 3, offset: '9007199254740993' },
  interactionId: '00AB12CD34EF5678',
};

/** The behaviour every StatisticsCheckpoints adapter must show; run it against each adapter and its real server. */
export function statisticsCheckpointsContract(name: string, create: () => Promise<{ checkpoints: StatisticsCheckpoints; close?: () => Promise<void> }>): void {
  describe(`StatisticsCheckpoints contract: ${name}`, () => {
    let checkpoints: StatisticsCheckpoints;
    eachTest(create, (fixture) => ({ checkpoints } = fixture));

    it('reads back a saved checkpoint as it was saved (a JSON round trip, 64-bit offsets exact), and none for an unknown session', async () => {
      expect(await checkpoints.load('S-unknown')).toBeUndefined();
      await checkpoints.save('S-1', open, LONG_TTL_MS);
      expect(await checkpoints.load('S-1')).toEqual(open);
      expect(await checkpoints.load('S-2')).toBeUndefined();
    });

    it('replaces a session checkpoint with the next save, and keeps sessions apart', async () => {
      await checkpoints.save('S-1', open, LONG_TTL_MS);
      await checkpoints.save('S-2', { ...open, interactionId: 'OTHER' }, LONG_TTL_MS);
      const done: StatisticsCheckpoint = { done: true, position: { partition: 3, offset: '9007199254740999' }, interactionId: open.interactionId };
      await checkpoints.save('S-1', done, LONG_TTL_MS);
      expect(await checkpoints.load('S-1')).toEqual(done);
      expect((await checkpoints.load('S-2'))?.interactionId).toBe('OTHER');
    });

    it('forgets a deleted checkpoint; deleting an unknown one is harmless', async () => {
      await checkpoints.save('S-1', open, LONG_TTL_MS);
      await checkpoints.delete('S-1');
      await checkpoints.delete('S-never');
      expect(await checkpoints.load('S-1')).toBeUndefined();
    });

    it('drops a checkpoint once its time to live has passed since its last save, not before', async () => {
      await checkpoints.save('S-1', open, SHORT_TTL_MS);
      await checkpoints.save('S-2', open, LONG_TTL_MS);
      expect(await checkpoints.load('S-1')).toEqual(open);
      await sleep(SHORT_TTL_MS + 150);
      expect(await checkpoints.load('S-1')).toBeUndefined();
      expect(await checkpoints.load('S-2')).toEqual(open);
    });

    it('gives what a redelivered record needs: a record at or before the saved position is recognised, a later one or another partition not', async () => {
      await checkpoints.save('S-1', open, LONG_TTL_MS);
      const applied = (await checkpoints.load('S-1'))?.position;
      expect(alreadyApplied(applied, { partition: 3, offset: '9007199254740993' })).toBe(true);
      expect(alreadyApplied(applied, { partition: 3, offset: '9007199254740992' })).toBe(true);
      expect(alreadyApplied(applied, { partition: 3, offset: '9007199254740994' })).toBe(false);
      expect(alreadyApplied(applied, { partition: 4, offset: '1' })).toBe(false);
      expect(alreadyApplied(applied, undefined)).toBe(false);
    });
  });
}
