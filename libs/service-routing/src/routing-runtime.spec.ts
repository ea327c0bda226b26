import { MemoryEventBus, MemoryFanOut, MemoryInteractionServer, MemoryRoutingStore } from '@ocs/adapters-memory';
import { ManualClock } from '@ocs/chat-domain/testing';
import { routingAgentChannel, TOPICS, type RoutingAgentMessage, type RoutingCommandRecord } from '@ocs/contracts';
import type { FanOut, RoutingStore } from '@ocs/ports';
import { RoutingRuntime, type RoutingRuntimeDeps } from './routing-runtime';

const TENANT = 1;
const QUEUES = [
  { name: 'sales', offerTimeoutMs: 10_000 },
  { name: 'pick', strategy: 'manual' as const },
];

let clock: ManualClock;
let bus: MemoryEventBus;
let fanOut: MemoryFanOut;
let store: MemoryRoutingStore;
let interactions: MemoryInteractionServer;
let replicas: RoutingRuntime[];
let errors: unknown[];
let heard: Map<string, RoutingAgentMessage[]>;
let seq: number;

function replica(extra: Partial<RoutingRuntimeDeps> = {}): RoutingRuntime {
  const runtime = new RoutingRuntime({
    store,
    bus,
    fanOut,
    interactions,
    clock,
    options: { tenants: { [TENANT]: QUEUES }, sweepMs: 3_600_000 },
    onError: (_tenant, error) => void errors.push(error),
    ...extra,
  });
  replicas.push(runtime);
  return runtime;
}

async function listen(agentId: string): Promise<void> {
  heard.set(agentId, []);
  await fanOut.subscribe(routingAgentChannel(TENANT, agentId), (m) => void heard.get(agentId)?.push(JSON.parse(m) as RoutingAgentMessage));
}

/** Everything published so far handled, and every fan-out message delivered. */
async function settle(): Promise<void> {
  await bus.idle();
  await Promise.all(replicas.map((r) => r.idle()));
  await new Promise((resolve) => setImmediate(resolve));
}

type Command = RoutingCommandRecord extends infer C ? (C extends RoutingCommandRecord ? Omit<C, 'commandId' | 'tenant' | 'at'> : never) : never;

function record(command: Command, commandId = `c${++seq}`): RoutingCommandRecord {
  return { ...command, commandId, tenant: TENANT, at: clock.now() } as RoutingCommandRecord;
}

async function send(...commands: Command[]): Promise<void> {
  await bus.publish(commands.map((c) => ({ topic: TOPICS.routingCommands, key: String(TENANT), value: record(c) })));
  await settle();
}

async function chat(sessionId: string, queue = 'sales'): Promise<string> {
  const { interactionId } = await interactions.submit({
    tenantDbid: TENANT,
    queue,
    mediaType: 'chat',
    sessionId,
    properties: { ChatServerSessionPassword: `pw-${sessionId}` },
  });
  await send({ type: 'enqueue', interactionId, queue, mediaType: 'chat' });
  return interactionId;
}

function offers(agentId: string): Extract<RoutingAgentMessage, { type: 'offer' }>[] {
  return (heard.get(agentId) ?? []).filter((m): m is Extract<RoutingAgentMessage, { type: 'offer' }> => m.type === 'offer');
}

function login(agentId: string, capacity = 1, queues = ['sales']): Command {
  return { type: 'login', agentId, capacity: { chat: capacity }, skills: {}, queues, ready: true };
}

beforeEach(async () => {
  clock = new ManualClock();
  bus = new MemoryEventBus();
  fanOut = new MemoryFanOut();
  store = new MemoryRoutingStore();
  interactions = new MemoryInteractionServer();
  replicas = [];
  errors = [];
  heard = new Map();
  seq = 0;
  await listen('ann');
  await listen('bob');
});

afterEach(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
});

describe('routing runtime', () => {
  it('offers a new chat to the longest idle agent, and on accept hands it the join of the session and sets the properties', async () => {
    await replica().start();
    await send(login('ann'));
    clock.advance(1000);
    await send(login('bob'));
    const id = await chat('S1');
    expect(offers('ann')).toEqual([expect.objectContaining({ interactionId: id, queue: 'sales', offerId: `${id}:1` })]);
    expect(offers('bob')).toEqual([]);
    expect((await interactions.get(id))?.properties).toMatchObject({ RoutingStatus: 'offered', RoutingQueue: 'sales', IsOnline: '1' });
    await send({ type: 'accept', agentId: 'ann', offerId: `${id}:1` });
    expect(heard.get('ann')).toContainEqual(
      expect.objectContaining({
        type: 'routed',
        interactionId: id,
        sessionId: 'S1',
        join: { type: 'join', sessionId: 'S1', userData: { GCTI_Chat_SessionPassword: 'pw-S1' } },
      }),
    );
    expect((await interactions.get(id))?.properties).toMatchObject({ RoutingStatus: 'routed', RTargetAgentSelected: 'ann' });
  });

  it('assigns each chat exactly once with two replicas consuming the same topic and saving to the same store', async () => {
    await replica().start();
    await replica().start();
    await send(login('ann', 10), login('bob', 10));
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      clock.advance(1);
      ids.push(await chat(`S${i}`));
    }
    const all = [...offers('ann'), ...offers('bob')];
    const offerIds = new Map<string, Set<string>>();
    for (const o of all) offerIds.set(o.interactionId, (offerIds.get(o.interactionId) ?? new Set()).add(o.offerId));
    expect([...offerIds.keys()].sort()).toEqual([...ids].sort());
    expect([...offerIds.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set(offers('ann').map((o) => o.interactionId)).size).toBe(6);
    expect(errors).toEqual([]);
  });

  it('applies a record delivered again once: the state and its revision stay as the first delivery left them', async () => {
    const runtime = replica();
    await runtime.start();
    await send(login('ann'));
    const { interactionId } = await interactions.submit({ tenantDbid: TENANT, queue: 'sales', mediaType: 'chat', sessionId: 'S1', properties: {} });
    const value = record({ type: 'enqueue', interactionId, queue: 'sales', mediaType: 'chat' });
    await runtime.handle({ topic: TOPICS.routingCommands, key: '1', value });
    const revision = (await store.load('1'))?.revision;
    await replica().handle({ topic: TOPICS.routingCommands, key: '1', value });
    expect((await store.load('1'))?.revision).toBe(revision);
    await settle();
    expect(new Set(offers('ann').map((o) => o.offerId))).toEqual(new Set([`${interactionId}:1`]));
  });

  it('knows a record of the bus delivered again by its position, keeping one offset per partition instead of command ids', async () => {
    const runtime = replica();
    const at = (offset: string, command: Command) => ({ topic: TOPICS.routingCommands, key: '1', value: record(command), partition: 2, offset });
    await runtime.handle(at('41', login('ann')));
    const { interactionId } = await interactions.submit({ tenantDbid: TENANT, queue: 'sales', mediaType: 'chat', sessionId: 'S1', properties: {} });
    const enqueue = at('42', { type: 'enqueue', interactionId, queue: 'sales', mediaType: 'chat' });
    await runtime.handle(enqueue);
    const saved = await store.load('1');
    expect(saved?.state).toMatchObject({ applied: [], positions: { 2: '42' } });
    // The same record again, and an earlier one of the partition (a replay from an older committed offset): no change.
    await replica().handle(enqueue);
    await replica().handle(at('41', { type: 'not-ready', agentId: 'ann' }));
    expect((await store.load('1'))?.revision).toBe(saved?.revision);
    await settle();
    // A replica that finds another's save tells the open offers again, with their stable ids: still the one offer.
    expect(new Set(offers('ann').map((o) => o.offerId))).toEqual(new Set([`${interactionId}:1`]));
    // The next record of the partition is applied.
    await runtime.handle(at('43', { type: 'not-ready', agentId: 'ann' }));
    // As a store that serializes it would write it.
    const written: unknown = JSON.parse(JSON.stringify((await store.load('1'))?.state));
    expect(written).toMatchObject({ positions: { 2: '43' }, routing: { agents: { ann: { ready: false } } } });
  });

  it('applies the commands that came while a step ran in one next step: one save, each record handled once it is over', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runtime = replica({ beforeSave: () => gate });
    const at = (offset: string, command: Command) => ({ topic: TOPICS.routingCommands, key: '1', value: record(command), partition: 0, offset });
    const first = runtime.take(at('1', login('ann', 2)));
    await new Promise((resolve) => setImmediate(resolve));
    const ids = await Promise.all(
      ['S1', 'S2'].map(
        async (sessionId) => (await interactions.submit({ tenantDbid: TENANT, queue: 'sales', mediaType: 'chat', sessionId, properties: {} })).interactionId,
      ),
    );
    const later = ids.map((interactionId, i) => runtime.take(at(String(2 + i), { type: 'enqueue', interactionId, queue: 'sales', mediaType: 'chat' })));
    let laterHandled = false;
    void Promise.all(later.map((t) => t?.handled)).then(() => (laterHandled = true));
    release();
    await first?.handled;
    await Promise.all(later.map((t) => t?.handled));
    expect(laterHandled).toBe(true);
    // The login's step, then one step for both enqueues.
    expect(await store.load('1')).toMatchObject({ revision: 2, state: { positions: { 0: '3' } } });
    await settle();
    expect(offers('ann').map((o) => o.interactionId)).toEqual(ids);
    expect(errors).toEqual([]);
  });

  it('a replica paused before its save is refused, reads again, finds the command applied and decides nothing twice', async () => {
    let release: () => void = () => undefined;
    let paused: Promise<void> | undefined;
    const slow = replica({
      beforeSave: () => {
        if (!paused) paused = new Promise<void>((resolve) => (release = resolve));
        return paused;
      },
    });
    const fast = replica();
    await fast.handle({ topic: TOPICS.routingCommands, key: '1', value: record(login('ann')) });
    const { interactionId } = await interactions.submit({ tenantDbid: TENANT, queue: 'sales', mediaType: 'chat', sessionId: 'S1', properties: {} });
    const value = record({ type: 'enqueue', interactionId, queue: 'sales', mediaType: 'chat' });
    const first = slow.handle({ topic: TOPICS.routingCommands, key: '1', value });
    await new Promise((resolve) => setImmediate(resolve));
    await fast.handle({ topic: TOPICS.routingCommands, key: '1', value });
    const revision = (await store.load('1'))?.revision;
    release();
    await first;
    await settle();
    expect((await store.load('1'))?.revision).toBe(revision);
    expect(new Set(offers('ann').map((o) => o.offerId))).toEqual(new Set([`${interactionId}:1`]));
    expect(errors).toEqual([]);
  });

  it('after a replica saved an offer and stopped before telling it, the next one tells it with the same id', async () => {
    const mute: FanOut = { publish: async () => undefined, subscribe: (c, h) => fanOut.subscribe(c, h) };
    const lost = replica({ fanOut: mute });
    await lost.handle({ topic: TOPICS.routingCommands, key: '1', value: record(login('ann')) });
    const { interactionId } = await interactions.submit({ tenantDbid: TENANT, queue: 'sales', mediaType: 'chat', sessionId: 'S1', properties: {} });
    await lost.handle({ topic: TOPICS.routingCommands, key: '1', value: record({ type: 'enqueue', interactionId, queue: 'sales', mediaType: 'chat' }) });
    await settle();
    expect(offers('ann')).toEqual([]);
    await replica().start();
    await settle();
    expect(offers('ann')).toEqual([expect.objectContaining({ offerId: `${interactionId}:1` })]);
  });

  it('an offer not answered in time goes to the next agent, a declined one too, and each agent hears its offer ended', async () => {
    const runtime = replica();
    await runtime.start();
    await send(login('ann'));
    clock.advance(10);
    await send(login('bob'));
    const id = await chat('S1');
    clock.advance(10_000);
    await runtime.sweep();
    await settle();
    expect(heard.get('ann')).toContainEqual({ type: 'offer-ended', interactionId: id, queue: 'sales', reason: 'no-answer' });
    expect(offers('bob')).toEqual([expect.objectContaining({ offerId: `${id}:2` })]);
    await send({ type: 'decline', agentId: 'bob', offerId: `${id}:2` });
    expect(heard.get('bob')).toContainEqual({ type: 'offer-ended', interactionId: id, queue: 'sales', reason: 'declined' });
  });

  it('answers presence, the manual queue view and a pick; refuses a late accept naming the problem', async () => {
    await replica().start();
    await send(login('ann', 1, ['pick']));
    expect(heard.get('ann')).toContainEqual(expect.objectContaining({ type: 'presence', agent: expect.objectContaining({ agentId: 'ann', ready: true }) }));
    const id = await chat('S1', 'pick');
    await send({ type: 'view', agentId: 'ann', queue: 'pick' });
    expect(heard.get('ann')).toContainEqual(
      expect.objectContaining({ type: 'queue', queue: 'pick', waiting: [expect.objectContaining({ interactionId: id })] }),
    );
    await send({ type: 'pick', agentId: 'ann', interactionId: id });
    expect(heard.get('ann')).toContainEqual(expect.objectContaining({ type: 'routed', interactionId: id, sessionId: 'S1' }));
    await send({ type: 'accept', agentId: 'ann', offerId: `${id}:7` });
    expect(heard.get('ann')).toContainEqual(expect.objectContaining({ type: 'refused', code: 'OFFER_EXPIRED', message: expect.stringContaining(id) }));
  });

  it('skips a malformed record, reporting it, and goes on with the next', async () => {
    await replica().start();
    await bus.publish([{ topic: TOPICS.routingCommands, key: '1', value: { type: 'login', agentId: 'ann' } }]);
    await send(login('ann'));
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('malformed ocs.routing.commands.v1 record skipped') })]);
    expect(heard.get('ann')).toContainEqual(expect.objectContaining({ type: 'presence' }));
  });

  it('refuses a state that is not a routing document, naming it, without deciding anything', async () => {
    const bad: RoutingStore = { load: async () => ({ state: { version: 2 }, revision: 3 }), save: async () => true };
    const runtime = replica({ store: bad });
    await runtime.handle({ topic: TOPICS.routingCommands, key: '1', value: record(login('ann')) });
    expect(errors).toEqual([expect.objectContaining({ message: 'the stored routing state is not a version 1 routing document' })]);
  });
});
