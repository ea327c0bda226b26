import type { Membership, NodeInfo } from '@ocs/ports';
import { eachTest } from './fixture';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Short enough to wait for, long enough that a busy machine does not expire an entry before it is read back. */
const SHORT_TTL_MS = 400;
const LONG_TTL_MS = 60_000;

function node(nodeId: string, patch: Partial<Omit<NodeInfo, 'nodeId' | 'seenAt'>> = {}): Omit<NodeInfo, 'seenAt'> {
  return { nodeId, url: `http://${nodeId}.engine.local:8080`, draining: false, limited: false, sessions: 0, ...patch };
}

/** Polls an async read until `predicate` holds (bounded), returning the time it took. */
async function until<T>(read: () => Promise<T>, predicate: (value: T) => boolean, ms = 5_000): Promise<number> {
  const start = Date.now();
  for (let value = await read(); !predicate(value); value = await read()) {
    if (Date.now() - start > ms) throw new Error(`condition not met within ${ms} ms`);
    await sleep(20);
  }
  return Date.now() - start;
}

const byId = (nodes: NodeInfo[]) => [...nodes].sort((x, y) => x.nodeId.localeCompare(y.nodeId));
const ids = (nodes: NodeInfo[]) => nodes.map((n) => n.nodeId).sort();

/** The behaviour every Membership adapter must show; run it against each adapter and its real server. */
export function membershipContract(name: string, create: () => Promise<{ membership: Membership; close?: () => Promise<void> }>): void {
  describe(`Membership contract: ${name}`, () => {
    let membership: Membership;
    eachTest(create, (fixture) => ({ membership } = fixture));

    it('lists a node after its heartbeat, with its info and the time of the heartbeat', async () => {
      expect(await membership.alive()).toEqual([]);
      const before = Date.now();
      await membership.heartbeat(node('n1'), LONG_TTL_MS);
      const n2 = node('n2', { url: 'https://n2.example:8443/engine?x=ü', healthUrl: 'http://[::1]:9090' });
      await membership.heartbeat(n2, LONG_TTL_MS);
      const after = Date.now();
      const alive = byId(await membership.alive());
      expect(alive).toEqual([
        { ...node('n1'), seenAt: expect.any(Number) },
        { ...n2, seenAt: expect.any(Number) },
      ]);
      for (const n of alive) {
        expect(n.seenAt).toBeGreaterThanOrEqual(before);
        expect(n.seenAt).toBeLessThanOrEqual(after);
      }
    });

    it('drops a node once its TTL has passed, not before, and keeps the others', async () => {
      const start = Date.now();
      await membership.heartbeat(node('short'), SHORT_TTL_MS);
      await membership.heartbeat(node('long'), LONG_TTL_MS);
      expect(ids(await membership.alive())).toEqual(['long', 'short']);
      await until(
        () => membership.alive(),
        (alive) => !ids(alive).includes('short'),
      );
      // Server and test clocks round to the millisecond; allow for that, not for early expiry.
      expect(Date.now() - start).toBeGreaterThanOrEqual(SHORT_TTL_MS - 5);
      expect(ids(await membership.alive())).toEqual(['long']);
    });

    it('refreshes a node on each heartbeat: new info and a new TTL', async () => {
      await membership.heartbeat(node('n1', { sessions: 1 }), SHORT_TTL_MS);
      const first = (await membership.alive())[0].seenAt;
      await sleep(SHORT_TTL_MS * 0.6);
      await membership.heartbeat(node('n1', { sessions: 2 }), SHORT_TTL_MS);
      await sleep(SHORT_TTL_MS * 0.6);
      const [refreshed] = await membership.alive();
      expect(refreshed).toMatchObject({ nodeId: 'n1', sessions: 2 });
      expect(refreshed.seenAt).toBeGreaterThan(first);
      await until(
        () => membership.alive(),
        (alive) => alive.length === 0,
      );
    });

    it('shows the draining and limited flags and the session count', async () => {
      await membership.heartbeat(node('n1', { draining: true, limited: true, sessions: 42 }), LONG_TTL_MS);
      await membership.heartbeat(node('n2', { sessions: 7 }), LONG_TTL_MS);
      expect(byId(await membership.alive())).toMatchObject([
        { nodeId: 'n1', draining: true, limited: true, sessions: 42 },
        { nodeId: 'n2', draining: false, limited: false, sessions: 7 },
      ]);
      await membership.heartbeat(node('n1', { draining: false, limited: false, sessions: 0 }), LONG_TTL_MS);
      expect(byId(await membership.alive())[0]).toMatchObject({ nodeId: 'n1', draining: false, limited: false, sessions: 0 });
    });

    it('takes a node out at once when it leaves, and ignores a node it does not know', async () => {
      await membership.heartbeat(node('n1'), LONG_TTL_MS);
      await membership.heartbeat(node('n2'), LONG_TTL_MS);
      await membership.leave('n1');
      await membership.leave('never-joined');
      expect(ids(await membership.alive())).toEqual(['n2']);
      await membership.heartbeat(node('n1'), LONG_TTL_MS);
      expect(ids(await membership.alive())).toEqual(['n1', 'n2']);
    });

    it('sets, replaces, reads and drops routes', async () => {
      expect(await membership.route('S-1')).toBeUndefined();
      await membership.setRoute('S-1', 'n1', LONG_TTL_MS);
      await membership.setRoute('S-2', 'n2', LONG_TTL_MS);
      expect(await membership.route('S-1')).toBe('n1');
      await membership.setRoute('S-1', 'n3', LONG_TTL_MS);
      expect(await membership.route('S-1')).toBe('n3');
      await membership.dropRoute('S-1');
      await membership.dropRoute('S-never-routed');
      expect(await membership.route('S-1')).toBeUndefined();
      expect(await membership.route('S-2')).toBe('n2');
    });

    it('forgets a route once its TTL has passed, and keeps the others', async () => {
      const start = Date.now();
      await membership.setRoute('S-short', 'n1', SHORT_TTL_MS);
      await membership.setRoute('S-long', 'n1', LONG_TTL_MS);
      expect(await membership.route('S-short')).toBe('n1');
      await until(
        () => membership.route('S-short'),
        (nodeId) => nodeId === undefined,
      );
      expect(Date.now() - start).toBeGreaterThanOrEqual(SHORT_TTL_MS - 5);
      expect(await membership.route('S-long')).toBe('n1');
    });
  });
}
