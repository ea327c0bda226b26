import { DEFAULT_RULES, ManualClock, SequentialIds, type SessionState } from '@ocs/chat-domain';
import { TOPICS, type OwnershipStore, type TranscriptStore } from '@ocs/ports';
import { MemoryEventBus, MemoryOwnershipStore, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { ChatEngine, type Durability, type SessionEventRecord } from './chat-engine';
import type { SessionView } from './engine-api';
import { actor, refusal } from '@ocs/testing';

const DURABLE: Durability = { autoSave: 1, saveOnError: 'continue', resendAttempts: 2, resendDelayMs: 100 };

/** A transcript store whose saves can be held or made to fail, counting attempts. */
class FlakyStore implements TranscriptStore {
  readonly inner = new MemoryTranscriptStore();
  attempts = 0;
  failuresLeft = 0;
  private held: Array<() => void> | undefined;

  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const go of held) go();
  }

  async save(state: SessionState): Promise<void> {
    this.attempts += 1;
    const snapshot = structuredClone(state);
    if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve));
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('storage unavailable');
    }
    await this.inner.save(snapshot);
  }

  load(sessionId: string): Promise<SessionState | undefined> {
    return this.inner.load(sessionId);
  }

  remove(sessionId: string): Promise<void> {
    return this.inner.remove(sessionId);
  }
}

function node(nodeId: string, shared: { store: TranscriptStore; ownership: OwnershipStore; bus: MemoryEventBus; alive: Set<string> }, durability = DURABLE) {
  const engine = new ChatEngine({
    clock: new ManualClock(),
    ids: new SequentialIds(),
    rules: DEFAULT_RULES,
    store: shared.store,
    bus: shared.bus,
    durability,
    ownership: { nodeId, store: shared.ownership, isAlive: async (id) => shared.alive.has(id) },
    sleep: async () => undefined,
  });
  shared.alive.add(nodeId);
  return engine;
}

function cluster(store: TranscriptStore = new MemoryTranscriptStore()) {
  return { store, ownership: new MemoryOwnershipStore(), bus: new MemoryEventBus(), alive: new Set<string>() };
}

async function chat(engine: ChatEngine) {
  const customer = await engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
  const agent = await engine.join(customer.party.sessionId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 });
  return { sessionId: customer.party.sessionId, customer: actor(customer.party), agent: actor(agent.party) };
}

describe('transcript-auto-save', () => {
  it('acknowledges a message and shows it to others only once it is saved', async () => {
    const store = new FlakyStore();
    const shared = cluster(store);
    const a = node('A', shared);
    const { customer, agent } = await chat(a);
    const seen: SessionView[] = [];
    await a.attach(agent, 0, (v) => seen.push(v));
    store.hold();
    let acknowledged = false;
    const sent = a.message(customer, { text: 'durable?' }).then(() => (acknowledged = true));
    await new Promise((r) => setImmediate(r));
    expect(acknowledged).toBe(false);
    expect(seen).toHaveLength(0);
    store.release();
    await sent;
    expect(seen.at(-1)?.events.map((e) => e.event.kind === 'message' && e.event.text)).toEqual(['durable?']);
    expect((await store.load(customer.sessionId))?.transcript.at(-1)).toMatchObject({ kind: 'message', text: 'durable?' });
  });

  it('retries a failed save transcript-resend-attempts times before giving up', async () => {
    const store = new FlakyStore();
    const a = node('A', cluster(store));
    const { customer } = await chat(a);
    store.attempts = 0;
    store.failuresLeft = 2;
    await a.message(customer, { text: 'third time lucky' });
    expect(store.attempts).toBe(3);
    store.attempts = 0;
    store.failuresLeft = 3;
    expect((await refusal(a.message(customer, { text: 'lost' }))).code).toBe('STORAGE_UNAVAILABLE');
    expect(store.attempts).toBe(3);
    expect((await a.read(customer, 0)).closed).toBe(false);
  });

  it('closes the session when saving keeps failing and transcript-save-on-error=close', async () => {
    const store = new FlakyStore();
    const a = node('A', cluster(store), { ...DURABLE, saveOnError: 'close', resendAttempts: 0 });
    const { customer, agent } = await chat(a);
    const seen: SessionView[] = [];
    await a.attach(agent, 0, (v) => seen.push(v));
    store.failuresLeft = 1;
    expect((await refusal(a.message(customer, { text: 'x' }))).code).toBe('STORAGE_UNAVAILABLE');
    expect(seen.at(-1)?.closed).toBe(true);
    const view = await a.read(customer, 0);
    expect(view.closed).toBe(true);
    expect(view.events.at(-1)?.event).toMatchObject({ kind: 'partyLeft', quitReasonCode: '5' });
  });
});

describe('session restoration (session-restoration-mode=simple)', () => {
  it('serves a dead node’s session on another node: agents marked left (8), customer continues, nothing acknowledged lost', async () => {
    const shared = cluster();
    const a = node('A', shared);
    const b = node('B', shared);
    const { sessionId, customer, agent } = await chat(a);
    await a.message(customer, { text: 'before the crash' });
    await a.message(agent, { text: 'agent reply' });
    shared.alive.delete('A');

    const view = await b.read(customer, 0);
    expect(view.events.map((e) => (e.event.kind === 'message' ? e.event.text : e.event.kind))).toEqual([
      'newParty',
      'newParty',
      'before the crash',
      'agent reply',
      'partyLeft',
    ]);
    expect(view.events.at(-1)?.event).toMatchObject({ kind: 'partyLeft', userId: agent.userId, quitReasonCode: '8' });
    expect(await shared.ownership.owner(sessionId)).toMatchObject({ nodeId: 'B' });
    await b.message(customer, { text: 'after the crash' });
    const positions = (await shared.store.load(sessionId))?.transcript.map((e) => e.position);
    expect(positions).toEqual([0, 1, 2, 3, 4, 5]);
    const rejoined = await b.join(sessionId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 });
    expect(rejoined.view.events.some((e) => e.event.kind === 'message' && e.event.text === 'after the crash')).toBe(true);

    const records: SessionEventRecord[] = [];
    await shared.bus.subscribe(TOPICS.sessionEvents, 'test', (r) => void records.push(r.value as SessionEventRecord));
    await shared.bus.idle();
    expect(records.some((r) => r.type === 'restored' && r.nodeId === 'B')).toBe(true);
  });

  it('does not take a session whose owner is alive', async () => {
    const shared = cluster();
    const a = node('A', shared);
    const b = node('B', shared);
    const { customer } = await chat(a);
    expect((await refusal(b.read(customer, 0))).code).toBe('NOT_OWNER');
    expect((await a.read(customer, 0)).closed).toBe(false);
  });

  it('a node that finds a newer owner stops serving the session', async () => {
    const shared = cluster();
    const a = node('A', shared);
    const b = node('B', shared);
    const { customer } = await chat(a);
    shared.alive.delete('A');
    await b.read(customer, 0);
    shared.alive.add('A');
    expect((await refusal(a.message(customer, { text: 'stale owner' }))).code).toBe('NOT_OWNER');
    expect((await b.read(customer, 0)).events.some((e) => e.event.kind === 'message')).toBe(false);
  });

  it('two nodes racing to restore end with exactly one owner', async () => {
    const shared = cluster();
    const a = node('A', shared);
    const b = node('B', shared);
    const c = node('C', shared);
    const { sessionId, customer } = await chat(a);
    shared.alive.delete('A');
    const outcomes = await Promise.allSettled([b.read(customer, 0), c.read(customer, 0)]);
    const owner = (await shared.ownership.owner(sessionId))?.nodeId;
    expect(['B', 'C']).toContain(owner);
    const writers = await Promise.allSettled([b.message(customer, { text: 'from B' }), c.message(customer, { text: 'from C' })]);
    expect(writers.filter((w) => w.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    const stored = await shared.store.load(sessionId);
    expect(stored?.transcript.filter((e) => e.kind === 'message')).toHaveLength(1);
  });
});
