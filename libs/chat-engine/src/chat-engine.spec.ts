import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { DEFAULT_RULES } from '@ocs/chat-domain';
import type { BusRecord } from '@ocs/ports';
import { ChatEngine } from './chat-engine';
import type { SessionView } from './engine-api';
import { actor, chatEngineApiContract, refusal } from '@ocs/testing';
import { TOPICS, type SessionEventRecord } from '@ocs/contracts';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';

function setup(rules = DEFAULT_RULES) {
  const clock = new ManualClock();
  const store = new MemoryTranscriptStore();
  const bus = new MemoryEventBus();
  const engine = new ChatEngine({ clock, ids: new SequentialIds(), rules, store, bus });
  return { clock, store, bus, engine };
}

async function startChat(engine: ChatEngine) {
  const customer = await engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
  const sessionId = customer.party.sessionId;
  const agent = await engine.join(sessionId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 });
  return { sessionId, customer: actor(customer.party), agent: actor(agent.party) };
}

describe('ChatEngine', () => {
  it('creates a session whose creator reads its own join event', async () => {
    const { engine } = setup();
    const { party, view } = await engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
    expect(party.partyNumber).toBe(1);
    expect(view.events.map((e) => [e.event.kind, e.from.nickname, e.from.userType])).toEqual([['newParty', 'Ann', 'CLIENT']]);
    expect(view).toMatchObject({ sessionId: party.sessionId, userId: party.userId, closed: false, left: false, nextPosition: 1 });
  });

  it('refuses an unknown session and a wrong key with the same error', async () => {
    const { engine } = setup();
    const { customer } = await startChat(engine);
    const wrongKey = await refusal(engine.read({ ...customer, secureKey: 'nope' }, 0));
    const unknown = await refusal(engine.read({ ...customer, sessionId: 'FFFFFFFFFFFFFFFF' }, 0));
    expect(wrongKey.code).toBe('SESSION_NOT_FOUND');
    expect(unknown.code).toBe('SESSION_NOT_FOUND');
    expect(wrongKey.message).toBe(unknown.message);
    expect(wrongKey.message).not.toContain(customer.sessionId);
  });

  it('delivers live to attached parties only what each may see', async () => {
    const { engine } = setup();
    const { sessionId, customer, agent } = await startChat(engine);
    const supervisor = await engine.join(sessionId, { userType: 'SUPERVISOR', nickname: 'Sue', protocol: 'BASIC', visibility: 'INT', clientVersion: 106 });
    const seen: SessionView[] = [];
    const attachment = await engine.attach(customer, 3, (v) => seen.push(v));
    await engine.message({ ...supervisor.party }, { text: 'coaching tip' });
    await engine.message(agent, { text: 'hello Ann' });
    expect(seen.flatMap((v) => v.events.map((e) => e.event.kind === 'message' && e.event.text))).toEqual(['hello Ann']);
    attachment.detach();
    await engine.message(agent, { text: 'after detach' });
    expect(seen).toHaveLength(1);
  });

  it('tells an attached customer when a supervisor starts and stops monitoring', async () => {
    const { engine } = setup();
    const { sessionId, customer } = await startChat(engine);
    const seen: SessionView[] = [];
    await engine.attach(customer, 0, (v) => seen.push(v));
    const sup = await engine.join(sessionId, { userType: 'SUPERVISOR', nickname: 'Sue', protocol: 'BASIC', visibility: 'VIP', clientVersion: 106 });
    expect(seen.at(-1)).toMatchObject({ monitored: true, events: [] });
    await engine.leave(sup.party, 'KEEP_ALIVE');
    expect(seen.at(-1)).toMatchObject({ monitored: false, events: [] });
  });

  it('refuses a key of a party of another protocol than the caller speaks for', async () => {
    const { engine } = setup();
    const { customer, agent } = await startChat(engine);
    expect((await refusal(engine.message({ ...agent, via: 'FLEX' }, { text: 'x' }))).code).toBe('SESSION_NOT_FOUND');
    expect((await engine.message({ ...customer, via: 'FLEX' }, { text: 'ok' })).event.kind).toBe('message');
  });

  it('finds a party by its secure key', async () => {
    const { engine } = setup();
    const { customer } = await startChat(engine);
    expect(await engine.findParty(customer.secureKey)).toEqual(customer);
    expect(await engine.findParty('unknown')).toBeUndefined();
  });

  it('removes a silent customer after flex-disconnect-timeout unless a live connection holds it', async () => {
    const { engine, clock } = setup({ ...DEFAULT_RULES, flexDisconnectTimeoutMs: 45_000 });
    const { customer, agent } = await startChat(engine);
    const attachment = await engine.attach(customer, 0, () => undefined);
    clock.advance(100_000);
    await engine.tick();
    expect((await engine.read(agent, 0)).events.some((e) => e.event.kind === 'partyLeft')).toBe(false);
    attachment.detach();
    clock.advance(44_999);
    await engine.tick();
    expect((await engine.read(agent, 0)).events.some((e) => e.event.kind === 'partyLeft')).toBe(false);
    clock.advance(1);
    await engine.tick();
    const left = (await engine.read(agent, 0)).events.find((e) => e.event.kind === 'partyLeft');
    expect(left?.event).toMatchObject({ userId: customer.userId, quitReasonCode: '3', reason: { code: 3 } });
  });

  it('times a customer on a live connection by flex-push-timeout on the node’s one queue, renewed while the connection holds', async () => {
    const { engine, clock } = setup({ ...DEFAULT_RULES, flexDisconnectTimeoutMs: 45_000, flexPushTimeoutMs: 100_000 });
    const { customer, agent } = await startChat(engine);
    const start = clock.now();
    const attachment = await engine.attach(customer, 0, () => undefined);
    expect(engine.nextDeadline()).toBe(start + 100_000);
    clock.advance(100_000);
    await engine.tick();
    expect(engine.nextDeadline()).toBe(start + 200_000);
    attachment.detach();
    expect(engine.nextDeadline()).toBe(start + 145_000);
    clock.advance(45_000);
    await engine.tick();
    expect((await engine.read(agent, 0)).events.find((e) => e.event.kind === 'partyLeft')?.event).toMatchObject({
      userId: customer.userId,
      quitReasonCode: '3',
    });
  });

  it('keeps a closed session readable for the grace period, then forgets it', async () => {
    const { engine, clock, store } = setup({ ...DEFAULT_RULES, closedRetainMs: 60_000 });
    const { sessionId, customer, agent } = await startChat(engine);
    await engine.message(customer, { text: 'bye' });
    await engine.leave(agent, 'FORCE_CLOSE');
    const last = await engine.read(customer, 0);
    expect(last).toMatchObject({ closed: true, left: true });
    expect(last.events.map((e) => e.event.kind)).toEqual(['newParty', 'newParty', 'message', 'partyLeft', 'partyLeft']);
    expect((await store.load(sessionId))?.status).toBe('CLOSED');
    clock.advance(59_999);
    await engine.tick();
    expect((await engine.read(customer, 0)).closed).toBe(true);
    clock.advance(1);
    await engine.tick();
    expect((await refusal(engine.read(customer, 0))).code).toBe('SESSION_NOT_FOUND');
    expect(await engine.findParty(customer.secureKey)).toBeUndefined();
    expect(engine.sessionCount).toBe(0);
  });

  it('lists the sessions it holds for an operator: parties present by type, no name or key', async () => {
    const { engine, clock } = setup();
    expect(engine.heldSessions()).toEqual([]);
    const started = clock.now();
    const { sessionId, customer, agent } = await startChat(engine);
    clock.advance(1000);
    const alone = await engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Cy', protocol: 'FLEX', clientVersion: 106 } });
    await engine.bindInteraction(sessionId, 'interaction-7');
    expect(engine.heldSessions()).toEqual([
      { sessionId, createdAt: started, isRestored: false, closed: false, parties: { CLIENT: 1, AGENT: 1 }, interactionId: 'interaction-7' },
      { sessionId: alone.party.sessionId, createdAt: started + 1000, isRestored: false, closed: false, parties: { CLIENT: 1 } },
    ]);
    await engine.leave(agent, 'KEEP_ALIVE');
    expect(engine.heldSessions()[0].parties).toEqual({ CLIENT: 1 });
    expect(JSON.stringify(engine.heldSessions())).not.toMatch(new RegExp(`Ann|Bob|${customer.secureKey}`));
  });

  it('publishes the creation, every event and the close, in order, keyed by session', async () => {
    const { engine, bus } = setup();
    const records: BusRecord[] = [];
    await bus.subscribe(TOPICS.sessionEvents, 'test', (r) => void records.push(r));
    const { sessionId, customer, agent } = await startChat(engine);
    await engine.message(customer, { text: 'hi' });
    await engine.leave(agent, 'FORCE_CLOSE');
    await bus.idle();
    const values = records.map((r) => r.value as SessionEventRecord);
    expect(records.every((r) => r.key === sessionId)).toBe(true);
    expect(values.map((v) => (v.type === 'event' ? `${v.event.position}:${v.event.kind}` : v.type))).toEqual([
      'created',
      '0:newParty',
      '1:newParty',
      '2:message',
      '3:partyLeft',
      '4:partyLeft',
      'closed',
    ]);
  });

  it('removes a party whose connection dropped, with reason disconnect', async () => {
    const { engine } = setup();
    const { customer, agent } = await startChat(engine);
    await engine.disconnect(agent);
    const left = (await engine.read(customer, 0)).events.find((e) => e.event.kind === 'partyLeft');
    expect(left?.event).toMatchObject({ userId: agent.userId, quitReasonCode: '3' });
    await engine.disconnect(agent);
    expect((await engine.read(customer, 0)).events.filter((e) => e.event.kind === 'partyLeft')).toHaveLength(1);
  });

  it('keeps other sessions and the timer loop going when one session fails its timer', async () => {
    const { engine, clock } = setup({ ...DEFAULT_RULES, flexDisconnectTimeoutMs: 1000 });
    const first = await startChat(engine);
    const second = await startChat(engine);
    const broken = await engine.read(first.customer, 0);
    expect(broken.closed).toBe(false);
    // Corrupt the first session's state so expiring it throws.
    const { registry } = (engine as unknown as { parts: { registry: { get(id: string): { expire(): never } | undefined } } }).parts;
    const victim = registry.get(first.sessionId);
    if (!victim) throw new Error('missing session');
    victim.expire = () => {
      throw new Error('boom');
    };
    clock.advance(1000);
    const failed = await engine.tick();
    expect(failed.map((f) => f.sessionId)).toEqual([first.sessionId]);
    const survivor = await engine.read(second.agent, 0);
    expect(survivor.events.some((e) => e.event.kind === 'partyLeft' && e.event.userId === second.customer.userId)).toBe(true);
  });
});

describe('ChatEngine listener isolation', () => {
  it('keeps delivering, storing and publishing when one listener throws', async () => {
    const errors: string[] = [];
    const clock = new ManualClock();
    const bus = new MemoryEventBus();
    const engine = new ChatEngine({
      clock,
      ids: new SequentialIds(),
      rules: DEFAULT_RULES,
      store: new MemoryTranscriptStore(),
      bus,
      onListenerError: (id) => errors.push(id),
    });
    const { sessionId, customer, agent } = await startChat(engine);
    const records: BusRecord[] = [];
    await bus.subscribe(TOPICS.sessionEvents, 'test', (r) => void records.push(r));
    await engine.attach(agent, 0, () => {
      throw new Error('broken socket');
    });
    const seen: SessionView[] = [];
    await engine.attach(customer, 0, (v) => seen.push(v));
    const { event } = await engine.message(agent, { text: 'still delivered' });
    expect(event).toMatchObject({ kind: 'message', text: 'still delivered' });
    expect(errors).toEqual([sessionId]);
    expect(seen.at(-1)?.events.map((e) => e.event.kind === 'message' && e.event.text)).toEqual(['still delivered']);
    await bus.idle();
    expect((records.at(-1)?.value as SessionEventRecord).type === 'event' && (records.at(-1)?.value as { event: { text?: string } }).event.text).toBe(
      'still delivered',
    );
  });

  it('answers a leave with the party-left event', async () => {
    const { engine } = setup();
    const { agent } = await startChat(engine);
    expect((await engine.leave(agent, 'KEEP_ALIVE')).event).toMatchObject({ kind: 'partyLeft', userId: agent.userId, position: 2 });
  });
});

// What every ChatEngineApi shows its callers, here in-process (RemoteEngine runs it too, over the engine RPC).
chatEngineApiContract('the engine in-process', async () => ({ api: setup().engine }));
