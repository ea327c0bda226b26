import { DEFAULT_RULES, type SessionState } from '@ocs/chat-domain';
import { CryptoIds, type OwnershipStore, type TranscriptStore } from '@ocs/ports';
import { MemoryEventBus, MemoryOwnershipStore, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { ChatEngine } from './chat-engine';
import { followNodeCommands } from './node-commands';
import type { SessionView } from './engine-api';
import { customerWithAgent as chat, refusal } from '@ocs/testing';
import { TOPICS, type SessionEventRecord, type NodeCommandRecord } from '@ocs/contracts';
import type { Durability } from './durability';
import type { RestoreExtension } from './restoration';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';

const DURABLE: Durability = { autoSave: 1, saveOnError: 'continue', resendAttempts: 2, resendDelayMs: 100 };

/** A transcript store whose saves can be held or made to fail, counting attempts. */
class FlakyStore implements TranscriptStore {
  readonly ownership = new MemoryOwnershipStore();
  readonly inner = new MemoryTranscriptStore(this.ownership);
  attempts = 0;
  failuresLeft = 0;
  private held: Array<() => void> | undefined;
  private holding: string | undefined;

  /** Holds saves from now on: every save, or only those fenced by `owner`. */
  hold(owner?: string): void {
    this.held = [];
    this.holding = owner;
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const go of held) go();
  }

  async save(state: SessionState, owner?: string): Promise<void> {
    this.attempts += 1;
    const snapshot = structuredClone(state);
    if (this.held && (this.holding === undefined || this.holding === owner)) await new Promise<void>((resolve) => this.held?.push(resolve));
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('storage unavailable');
    }
    await this.inner.save(snapshot, owner);
  }

  load(sessionId: string): Promise<SessionState | undefined> {
    return this.inner.load(sessionId);
  }

  remove(sessionId: string): Promise<void> {
    return this.inner.remove(sessionId);
  }
}

function node(
  nodeId: string,
  shared: { store: TranscriptStore; ownership: OwnershipStore; bus: MemoryEventBus; alive: Set<string> },
  durability = DURABLE,
  purgePrevious = false,
  rules = DEFAULT_RULES,
  extendBy: RestoreExtension = 'none',
) {
  const engine = new ChatEngine({
    clock: new ManualClock(),
    ids: new SequentialIds(),
    rules,
    store: shared.store,
    bus: shared.bus,
    durability,
    ownership: { nodeId, store: shared.ownership, isAlive: async (id) => shared.alive.has(id), purgePrevious, extendBy },
    sleep: async () => undefined,
  });
  shared.alive.add(nodeId);
  return engine;
}

/** Nodes sharing storage, bus and membership; a FlakyStore brings its own ownership store (the fence reads it). */
function cluster(flaky?: FlakyStore) {
  const ownership = flaky?.ownership ?? new MemoryOwnershipStore();
  const skipped: Array<{ problem: string; key: string }> = [];
  return {
    store: flaky ?? new MemoryTranscriptStore(ownership),
    ownership,
    bus: new MemoryEventBus(),
    alive: new Set<string>(),
    /** Malformed node commands the nodes skipped. */
    skipped,
    malformed: (problem: string, key: string) => void skipped.push({ problem, key }),
  };
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

  it('a message sent again with its client message id after a failed save is stored once, and saved before it is answered', async () => {
    const store = new FlakyStore();
    const a = node('A', cluster(store));
    const { customer } = await chat(a);
    store.failuresLeft = 3;
    expect((await refusal(a.message(customer, { text: 'unanswered', clientMessageId: 'm-1' }))).code).toBe('STORAGE_UNAVAILABLE');
    store.attempts = 0;
    const resent = await a.message(customer, { text: 'unanswered', clientMessageId: 'm-1' });
    expect(resent.event).toMatchObject({ kind: 'message', text: 'unanswered', position: 2 });
    expect(store.attempts).toBe(1);
    const saved = await store.load(customer.sessionId);
    expect(saved?.transcript.filter((e) => e.kind === 'message').map((e) => e.position)).toEqual([2]);
  });

  it('closes the session when saving keeps failing and transcript-save-on-error=close, and publishes the closure', async () => {
    const store = new FlakyStore();
    const shared = cluster(store);
    const published: SessionEventRecord[] = [];
    await shared.bus.subscribe(TOPICS.sessionEvents, 'test', (r) => void published.push(r.value as SessionEventRecord));
    const a = node('A', shared, { ...DURABLE, saveOnError: 'close', resendAttempts: 0 });
    const { customer, agent } = await chat(a);
    const seen: SessionView[] = [];
    await a.attach(agent, 0, (v) => seen.push(v));
    store.failuresLeft = 1;
    expect((await refusal(a.message(customer, { text: 'x' }))).code).toBe('STORAGE_UNAVAILABLE');
    expect(seen.at(-1)?.closed).toBe(true);
    const view = await a.read(customer, 0);
    expect(view.closed).toBe(true);
    expect(view.events.at(-1)?.event).toMatchObject({ kind: 'partyLeft', quitReasonCode: '5' });
    await shared.bus.idle();
    // The refused message, the removals and the close, saying the save failed (the end reason DB_ERROR).
    const tail = published.slice(-4).map((r) => (r.type === 'event' ? r.event.kind : r.type === 'closed' ? { ...r, at: 0 } : r.type));
    expect(tail).toEqual(['message', 'partyLeft', 'partyLeft', { type: 'closed', sessionId: customer.sessionId, at: 0, saveFailed: true }]);
  });
});

describe('transcript-auto-save=2', () => {
  it('tells desktops, not customers, that each change is stored (save) or could not be (ucs-save-fail)', async () => {
    const store = new FlakyStore();
    const a = node('A', cluster(store), { ...DURABLE, autoSave: 2, resendAttempts: 0 });
    const { customer, agent } = await chat(a);
    const agentSaw: SessionView[] = [];
    const customerSaw: SessionView[] = [];
    await a.attach(agent, 0, (v) => agentSaw.push(v));
    await a.attach(customer, 0, (v) => customerSaw.push(v));
    await a.message(customer, { text: 'stored' });
    expect(agentSaw.map((v) => [v.transcriptNotice, v.events.map((e) => e.event.kind)])).toEqual([['save', ['message']]]);
    store.failuresLeft = 1;
    expect((await refusal(a.message(customer, { text: 'not stored' }))).code).toBe('STORAGE_UNAVAILABLE');
    expect(agentSaw.at(-1)).toMatchObject({ transcriptNotice: 'ucs-save-fail', events: [], closed: false });
    expect(customerSaw.map((v) => v.transcriptNotice)).toEqual([undefined]);
  });

  it('sends no notices with transcript-auto-save=1', async () => {
    const a = node('A', cluster());
    const { customer, agent } = await chat(a);
    const agentSaw: SessionView[] = [];
    await a.attach(agent, 0, (v) => agentSaw.push(v));
    await a.message(customer, { text: 'stored' });
    expect(agentSaw.map((v) => v.transcriptNotice)).toEqual([undefined]);
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

  it('a message sent again with its client message id to the node that restored the session is answered as stored, not stored twice', async () => {
    const shared = cluster();
    const a = node('A', shared);
    const b = node('B', shared);
    const { sessionId, customer } = await chat(a);
    const first = await a.message(customer, { text: 'the gateway died after forwarding this', clientMessageId: 'c-9' });
    shared.alive.delete('A');

    const resent = await b.message(customer, { text: 'the gateway died after forwarding this', clientMessageId: 'c-9' });
    expect(resent.event).toEqual(first.event);
    expect(await shared.ownership.owner(sessionId)).toMatchObject({ nodeId: 'B' });
    const texts = (await shared.store.load(sessionId))?.transcript.flatMap((e) => (e.kind === 'message' ? [e.text] : []));
    expect(texts).toEqual(['the gateway died after forwarding this']);
  });

  it('keeps a workflow’s idle-control parameters and the session language (saved though no event says so) on the node that restores it', async () => {
    const shared = cluster();
    const languages = [{ name: 'Spanish', language: 'es', useAsDefault: false, messages: {} }];
    const rules = { ...DEFAULT_RULES, languages };
    const a = node('A', shared, DURABLE, false, rules);
    const b = node('B', shared, DURABLE, false, rules);
    const { sessionId, customer } = await chat(a);
    await a.configureIdleControl(sessionId, { enabled: 'true', 'timeout-alert': '30', 'message-close': 'Adiós' });
    await a.configureSession(sessionId, { languageName: 'Spanish' });
    shared.alive.delete('A');

    await b.read(customer, 0);
    const restored = await shared.store.load(sessionId);
    expect(restored).toMatchObject({ idleControl: { enabled: true, alertMs: 30_000, messageClose: 'Adiós' }, language: 'Spanish', restored: true });
    expect((await b.sessionInfo(sessionId)).isRestored).toBe(true);
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

  it('refuses, never acknowledges, a save of the old owner that races a restoration; the retry lands once', async () => {
    const store = new FlakyStore();
    const shared = cluster(store);
    const a = node('A', shared);
    const b = node('B', shared);
    const { sessionId, customer } = await chat(a);
    store.hold('A');
    const racing = refusal(a.message(customer, { text: 'racing' }));
    await new Promise((resolve) => setImmediate(resolve));
    shared.alive.delete('A');
    await b.read(customer, 0);
    store.release();
    expect((await racing).code).toBe('NOT_OWNER');
    await b.message(customer, { text: 'racing' });
    const stored = await shared.store.load(sessionId);
    expect(stored?.transcript.filter((e) => e.kind === 'message' && e.text === 'racing')).toHaveLength(1);
    expect(a.sessionCount).toBe(0);
  });

  it('answers STORAGE_UNAVAILABLE, not "not found", when storage fails while restoring, and restores on a later try', async () => {
    const store = new FlakyStore();
    const shared = cluster(store);
    const a = node('A', shared);
    const b = node('B', shared);
    const { customer } = await chat(a);
    shared.alive.delete('A');
    const load = jest.spyOn(store, 'load').mockRejectedValueOnce(new Error('Cassandra timed out'));
    expect((await refusal(b.read(customer, 0))).code).toBe('STORAGE_UNAVAILABLE');
    load.mockRestore();
    expect((await b.read(customer, 0)).closed).toBe(false);
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

describe('session-restore-do-purge', () => {
  /** A serves a session, then drops out of membership while still running, and B restores the session. */
  async function takenOver(purgePrevious: boolean) {
    const shared = cluster();
    const a = node('A', shared, DURABLE, purgePrevious);
    const b = node('B', shared, DURABLE, purgePrevious);
    await followNodeCommands(a, shared.bus, 'A', shared.malformed);
    await followNodeCommands(b, shared.bus, 'B', shared.malformed);
    const commands: NodeCommandRecord[] = [];
    await shared.bus.subscribe(TOPICS.nodeCommands, 'test', (r) => void commands.push(r.value as NodeCommandRecord));
    const { customer } = await chat(a);
    shared.alive.delete('A');
    await b.read(customer, 0);
    await shared.bus.idle();
    return { shared, a, b, customer, commands };
  }

  it('asks the previous owner to purge its copy, which then forgets the session and its keys', async () => {
    const { a, b, customer, commands } = await takenOver(true);
    expect(commands).toEqual([{ type: 'purge', sessionId: customer.sessionId, nodeId: 'A', by: 'B' }]);
    expect(a.sessionCount).toBe(0);
    expect(await a.findParty(customer.secureKey)).toBeUndefined();
    expect(b.sessionCount).toBe(1);
    expect((await b.message(customer, { text: 'still here' })).event.kind).toBe('message');
  });

  it('is off by default: the previous owner keeps its copy until it next touches the session', async () => {
    const { a, customer, commands } = await takenOver(false);
    expect(commands).toEqual([]);
    expect(a.sessionCount).toBe(1);
    expect(await a.findParty(customer.secureKey)).toMatchObject({ sessionId: customer.sessionId });
  });

  it('ignores a purge request for a session the node owns, and one addressed to another node', async () => {
    const shared = cluster();
    const a = node('A', shared);
    await followNodeCommands(a, shared.bus, 'A', shared.malformed);
    const { sessionId } = await chat(a);
    const requests: NodeCommandRecord[] = [
      { type: 'purge', sessionId, nodeId: 'A', by: 'B' },
      { type: 'purge', sessionId, nodeId: 'C', by: 'B' },
    ];
    await shared.bus.publish(requests.map((value) => ({ topic: TOPICS.nodeCommands, key: sessionId, value })));
    await shared.bus.idle();
    expect(a.sessionCount).toBe(1);
    expect(shared.skipped).toEqual([]);
  });

  it('skips a malformed node command, reporting it, passes over one of a type it does not know, and carries out the next one', async () => {
    const shared = cluster();
    const a = node('A', shared, DURABLE);
    const b = node('B', shared, DURABLE);
    await followNodeCommands(a, shared.bus, 'A', shared.malformed);
    const { customer } = await chat(a);
    shared.alive.delete('A');
    await b.read(customer, 0);
    const malformed = [{ type: 'purge', sessionId: customer.sessionId, node: 'A' }, 'purge A', { type: 'shutdown', nodeId: 'A' }];
    const purge: NodeCommandRecord = { type: 'purge', sessionId: customer.sessionId, nodeId: 'A', by: 'B' };
    await shared.bus.publish([...malformed, purge].map((value) => ({ topic: TOPICS.nodeCommands, key: customer.sessionId, value })));
    await shared.bus.idle();
    expect(shared.skipped.map((s) => s.key)).toEqual([customer.sessionId, customer.sessionId]);
    expect(shared.skipped[0].problem).toMatch(/nodeId/);
    expect(a.sessionCount).toBe(0);
  });
});

describe('load limits (limits-control-enabled)', () => {
  const CUSTOMER = { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } as const;

  it('refuses new sessions from limit-for-sessions on, and takes them again at limits-restore-threshold', async () => {
    const clock = new ManualClock();
    const engine = new ChatEngine({
      clock,
      ids: new SequentialIds(),
      rules: DEFAULT_RULES,
      store: new MemoryTranscriptStore(),
      bus: new MemoryEventBus(),
      limits: { sessions: 3, restorePercent: 34 },
    });
    const held = [];
    for (let i = 0; i < 3; i++) held.push((await engine.createSession({ creator: CUSTOMER })).party.sessionId);
    expect(engine.load.overLimit).toBe(true);
    const refused = await refusal(engine.createSession({ creator: CUSTOMER }));
    expect(refused.code).toBe('LIMIT_REACHED');
    expect(refused.message).toContain('limit-for-sessions of 3');
    // Closed sessions count until their grace period ends; two gone leave one, at the threshold (34% of 3 is 1).
    await engine.closeSession(held[0]);
    await engine.closeSession(held[1]);
    clock.advance(DEFAULT_RULES.closedRetainMs + 1);
    await engine.tick();
    expect(engine.sessionCount).toBe(1);
    expect(engine.load.overLimit).toBe(false);
    expect((await engine.createSession({ creator: CUSTOMER })).party.sessionId).toBeDefined();
  });

  it('stays limited between the threshold and the limit', async () => {
    const clock = new ManualClock();
    const engine = new ChatEngine({
      clock,
      ids: new SequentialIds(),
      rules: DEFAULT_RULES,
      store: new MemoryTranscriptStore(),
      bus: new MemoryEventBus(),
      limits: { sessions: 2, restorePercent: 50 },
    });
    const first = await engine.createSession({ creator: CUSTOMER });
    await engine.createSession({ creator: CUSTOMER });
    expect(engine.load.overLimit).toBe(true);
    await engine.closeSession(first.party.sessionId);
    clock.advance(DEFAULT_RULES.closedRetainMs + 1);
    await engine.tick();
    expect(engine.sessionCount).toBe(1);
    expect(engine.load.overLimit).toBe(false);
  });

  it('a node at its limit restores no session', async () => {
    const shared = cluster();
    const a = node('A', shared);
    const b = new ChatEngine({
      clock: new ManualClock(),
      ids: new CryptoIds(),
      rules: DEFAULT_RULES,
      store: shared.store,
      bus: shared.bus,
      durability: DURABLE,
      ownership: { nodeId: 'B', store: shared.ownership, isAlive: async (id) => shared.alive.has(id) },
      limits: { sessions: 1, restorePercent: 50 },
    });
    shared.alive.add('B');
    await b.createSession({ creator: CUSTOMER });
    const { sessionId, customer } = await chat(a);
    shared.alive.delete('A');
    expect((await refusal(b.read(customer, 0))).code).toBe('LIMIT_REACHED');
    expect((await shared.ownership.owner(sessionId))?.nodeId).toBe('A');
  });
});

describe('session-restore-extend-by', () => {
  const AGENT_JOIN = { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 } as const;

  /** A serves a session with its customer and agent, then dies; B is the node asked for the session next. */
  async function lost(extendBy: RestoreExtension) {
    const shared = cluster();
    const a = node('A', shared);
    const b = node('B', shared, DURABLE, false, DEFAULT_RULES, extendBy);
    const { sessionId, customer } = await chat(a);
    shared.alive.delete('A');
    return { shared, b, sessionId, customer };
  }

  it('none (default): neither an agent’s join nor a workflow’s request restores the session; a customer’s request does', async () => {
    const { shared, b, sessionId, customer } = await lost('none');
    expect((await refusal(b.join(sessionId, AGENT_JOIN))).code).toBe('SESSION_NOT_FOUND');
    expect((await refusal(b.sessionInfo(sessionId, { restore: true }))).code).toBe('SESSION_NOT_FOUND');
    expect(await shared.ownership.owner(sessionId)).toMatchObject({ nodeId: 'A' });
    await b.read(customer, 0);
    expect((await b.join(sessionId, AGENT_JOIN)).party.sessionId).toBe(sessionId);
    expect((await b.sessionInfo(sessionId, { restore: false })).isRestored).toBe(true);
  });

  it('agent: an agent desktop’s join restores the session, a workflow’s request does not', async () => {
    const { shared, b, sessionId } = await lost('agent');
    expect((await refusal(b.sessionInfo(sessionId, { restore: true }))).code).toBe('SESSION_NOT_FOUND');
    const { view } = await b.join(sessionId, AGENT_JOIN);
    expect(view.events.map((e) => e.event.kind === 'partyLeft' && e.event.quitReasonCode).filter(Boolean)).toEqual(['8']);
    expect(await shared.ownership.owner(sessionId)).toMatchObject({ nodeId: 'B' });
  });

  it('esp: a workflow’s request restores the session, except one that only looks (GetSessionInfo without InduceRestore)', async () => {
    const { shared, b, sessionId } = await lost('esp');
    expect((await refusal(b.join(sessionId, AGENT_JOIN))).code).toBe('SESSION_NOT_FOUND');
    expect((await refusal(b.sessionInfo(sessionId, { restore: false }))).code).toBe('SESSION_NOT_FOUND');
    expect(await shared.ownership.owner(sessionId)).toMatchObject({ nodeId: 'A' });
    expect(await b.sessionInfo(sessionId, { restore: true })).toMatchObject({ isRestored: true, closed: false });
    expect(await shared.ownership.owner(sessionId)).toMatchObject({ nodeId: 'B' });
  });

  it('both: either restores; a session whose owner is alive is still NOT_OWNER, one that never existed still not found', async () => {
    const { b, sessionId } = await lost('both');
    expect((await b.join(sessionId, AGENT_JOIN)).party.sessionId).toBe(sessionId);
    const shared = cluster();
    const a2 = node('A', shared);
    const b2 = node('B', shared, DURABLE, false, DEFAULT_RULES, 'both');
    const alive = await chat(a2);
    expect((await refusal(b2.sessionInfo(alive.sessionId, { restore: true }))).code).toBe('NOT_OWNER');
    expect((await refusal(b2.sessionInfo('FFFFFFFFFFFFFFFF', { restore: true }))).code).toBe('SESSION_NOT_FOUND');
  });
});
