import { DEFAULT_RULES } from '@ocs/chat-domain';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';
import { MemoryEventBus, MemoryOwnershipStore, MemoryTranscriptStore } from '@ocs/adapters-memory';
import type { Ownership } from '@ocs/ports';
import { customerWithAgent as chat, refusal } from '@ocs/testing';
import { ChatEngine } from './chat-engine';
import type { NotOwnerError } from '@ocs/contracts';

const TTL_MS = 2_000;

/** An ownership store that counts the owner lookups and can hold them until released. */
class WatchedOwnership extends MemoryOwnershipStore {
  lookups = 0;
  private held: Array<() => void> | undefined;

  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const go of held) go();
  }

  override async owner(sessionId: string): Promise<Ownership | undefined> {
    this.lookups += 1;
    if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve));
    return super.owner(sessionId);
  }
}

/** Two nodes on shared storage and bus; A has a clock of its own that the test moves (its pauses). */
function twoNodes() {
  const ownership = new WatchedOwnership();
  const store = new MemoryTranscriptStore(ownership);
  const bus = new MemoryEventBus();
  const alive = new Set(['A', 'B']);
  const clock = new ManualClock();
  const make = (nodeId: string, nodeClock: ManualClock) =>
    new ChatEngine({
      clock: nodeClock,
      ids: new SequentialIds(),
      rules: DEFAULT_RULES,
      store,
      bus,
      durability: { autoSave: 1, saveOnError: 'continue', resendAttempts: 0, resendDelayMs: 0 },
      ownership: { nodeId, store: ownership, isAlive: async (id) => alive.has(id) },
      sleep: async () => undefined,
    });
  return { a: make('A', clock), b: make('B', new ManualClock()), clock, ownership, alive, bus };
}

const beat = async () => undefined;

/** A's heartbeat goes through, then A is paused longer than node-ttl while B restores `moved`'s session. */
async function pausedWhileMoved(nodes: ReturnType<typeof twoNodes>) {
  const { a, b, clock, alive } = nodes;
  await a.renewMembership(TTL_MS, beat);
  const moved = await chat(a);
  const kept = await chat(a);
  clock.advance(TTL_MS + 1);
  alive.delete('A');
  await b.read(moved.customer, 0);
  alive.add('A');
  return { moved, kept };
}

describe('membership lease (a node back from a pause longer than node-ttl)', () => {
  it('does not answer from the copy of a session another node took over: it lets the copy go and names the owner', async () => {
    const nodes = twoNodes();
    const { moved, kept } = await pausedWhileMoved(nodes);
    const { a } = nodes;

    expect(await a.findParty(moved.customer.secureKey)).toBeUndefined();
    expect(a.sessionCount).toBe(1);
    const refused = (await refusal(a.sessionInfo(moved.sessionId))) as NotOwnerError;
    expect(refused).toMatchObject({ code: 'NOT_OWNER', owner: 'B' });
    expect((await refusal(a.read(moved.customer, 0))).code).toBe('NOT_OWNER');
    expect(await a.findParty(kept.customer.secureKey)).toMatchObject({ sessionId: kept.sessionId });
    // A session still its own is served, after the check.
    expect((await a.sessionInfo(kept.sessionId)).closed).toBe(false);
  });

  it('at the heartbeats after the lapse, lets go of every session taken over, then serves from memory again', async () => {
    const nodes = twoNodes();
    const { moved, kept } = await pausedWhileMoved(nodes);
    const { a, ownership } = nodes;

    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: true, forgotten: 1 });
    expect(a.heldSessions().map((s) => s.sessionId)).toEqual([kept.sessionId]);
    expect((await refusal(a.sessionInfo(moved.sessionId))).code).toBe('NOT_OWNER');
    // The heartbeat after checks again (a restoration under way when the node came back), then the lease is sound.
    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: false, forgotten: 0 });

    const lookups = ownership.lookups;
    await a.read(kept.customer, 0);
    await a.sessionInfo(kept.sessionId);
    expect(ownership.lookups).toBe(lookups);
    expect((await a.message(kept.agent, { text: 'still here' })).event.kind).toBe('message');
    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: false, forgotten: 0 });
  });

  it('catches a restoration elsewhere that was under way when the node came back, at the heartbeat after', async () => {
    const nodes = twoNodes();
    const { kept } = await pausedWhileMoved(nodes);
    const { a, ownership } = nodes;
    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: true, forgotten: 1 });

    // Another node saw A gone just before A's heartbeat went through, and claims one more session of A's.
    await ownership.claim(kept.sessionId, 'B', 'A');
    expect((await refusal(a.read(kept.customer, 0))).code).toBe('NOT_OWNER');
    expect(a.sessionCount).toBe(0);
    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: false, forgotten: 0 });
  });

  it('lets go, at the heartbeat after, of a session taken over in the moment after the first check', async () => {
    const nodes = twoNodes();
    const { kept } = await pausedWhileMoved(nodes);
    const { a, ownership } = nodes;
    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: true, forgotten: 1 });
    await ownership.claim(kept.sessionId, 'B', 'A');

    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: false, forgotten: 1 });
    expect(a.sessionCount).toBe(0);
  });

  it('asks no owner while heartbeats go through in time', async () => {
    const { a, clock, ownership } = twoNodes();
    await a.renewMembership(TTL_MS, beat);
    const { customer, sessionId } = await chat(a);
    clock.advance(TTL_MS);
    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: false, forgotten: 0 });
    const lookups = ownership.lookups;
    await a.read(customer, 0);
    await a.sessionInfo(sessionId);
    expect(ownership.lookups).toBe(lookups);
  });

  it('serves no copy unchecked while the check after a lapse is under way', async () => {
    const nodes = twoNodes();
    const { moved } = await pausedWhileMoved(nodes);
    const { a, ownership } = nodes;

    ownership.hold();
    const renewing = a.renewMembership(TTL_MS, beat);
    const reading = refusal(a.sessionInfo(moved.sessionId));
    let answered = false;
    void reading.then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    ownership.release();
    expect((await reading).code).toBe('NOT_OWNER');
    expect(await renewing).toEqual({ lapsed: true, forgotten: 1 });
  });

  it('stays in doubt after a heartbeat that failed, and checks at the next one that goes through', async () => {
    const nodes = twoNodes();
    const { moved } = await pausedWhileMoved(nodes);
    const { a } = nodes;

    await expect(a.renewMembership(TTL_MS, () => Promise.reject(new Error('membership unreachable')))).rejects.toThrow('membership unreachable');
    expect(a.sessionCount).toBe(2);
    expect((await refusal(a.sessionInfo(moved.sessionId))).code).toBe('NOT_OWNER');
    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: true, forgotten: 0 });
  });

  it('answers STORAGE_UNAVAILABLE, keeping the copy, when the owner cannot be checked', async () => {
    const nodes = twoNodes();
    const { kept } = await pausedWhileMoved(nodes);
    const { a, ownership } = nodes;
    jest.spyOn(ownership, 'owner').mockRejectedValueOnce(new Error('Cassandra unreachable'));

    expect((await refusal(a.sessionInfo(kept.sessionId))).code).toBe('STORAGE_UNAVAILABLE');
    expect((await a.sessionInfo(kept.sessionId)).closed).toBe(false);
  });

  it('holds timers while in doubt: they apply once the copies held are known to be this node’s', async () => {
    const { a, clock } = twoNodes();
    await a.renewMembership(TTL_MS, beat);
    const closed = await chat(a);
    await a.closeSession(closed.sessionId);
    const due = a.nextDeadline();
    expect(due).toBeDefined();
    // Paused past node-ttl and past the end of the closed session's grace period.
    clock.set(Math.max(due ?? 0, clock.now() + TTL_MS + 1));

    expect(await a.tick()).toEqual([]);
    expect(a.sessionCount).toBe(1);
    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: true, forgotten: 0 });
    expect(await a.renewMembership(TTL_MS, beat)).toEqual({ lapsed: false, forgotten: 0 });
    expect(await a.tick()).toEqual([]);
    expect(a.sessionCount).toBe(0);
  });
});
