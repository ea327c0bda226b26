import { ChatError, DEFAULT_RULES } from '@ocs/chat-domain';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';
import { ChatEngine, type Actor, type ChatEngineApi, type SessionView } from '@ocs/chat-engine';
import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { Inbox } from '@ocs/testing';
import { actor, AGENT, CUSTOMER, POLL_INTERVAL_MS, refusal, TestCluster, type TestNode } from './test/cluster';

let cluster: TestCluster;

beforeEach(() => {
  cluster = new TestCluster();
});

afterEach(() => cluster.close());

const label = (e: SessionView['events'][number]) => (e.event.kind === 'message' ? e.event.text : e.event.kind);
const saying = (text: string) => (view: SessionView) => view.events.some((e) => e.event.kind === 'message' && e.event.text === text);

async function chat(api: ChatEngineApi) {
  const customer = await api.createSession({ creator: CUSTOMER });
  const agent = await api.join(customer.party.sessionId, AGENT);
  return { sessionId: customer.party.sessionId, customer: actor(customer.party), agent: actor(agent.party) };
}

/** The answer of a call, or the ChatError it was refused with, as plain data. */
function settled(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    (value) => ({ value }),
    (error: unknown) => ({ refused: error instanceof ChatError ? { code: error.code, message: error.message } : error }),
  );
}

/** Every call of the API, in an order that gives each something to do; what each answered. */
async function everyCall(api: ChatEngineApi): Promise<unknown[]> {
  const created = await api.createSession({ creator: { ...CUSTOMER, userData: { topic: 'billing' } } });
  const sessionId = created.party.sessionId;
  const customer = actor(created.party);
  const joined = await api.join(sessionId, AGENT);
  const agent = actor(joined.party);
  const live = new Inbox<SessionView>();
  const attachment = await api.attach(agent, 0, (view) => live.push(view));
  const answers: unknown[] = [
    created,
    joined,
    attachment.view,
    await api.message(customer, { text: 'hello' }),
    await live.next(saying('hello'), 'the live view of the message'),
    await api.notice(customer, { noticeType: 'TYPING_STARTED' }),
    await api.updateUserData(customer, { page: 'checkout' }),
    await api.read(customer, 0),
    await api.findParty(customer.secureKey),
    await api.findParty('no such key'),
    await api.bindInteraction(sessionId, 'interaction-1'),
    await api.findByInteraction('interaction-1'),
    await api.findByInteraction('no such interaction'),
    await api.externalMessage(sessionId, 'Workflow', { text: 'from the workflow' }),
    await api.externalNotice(sessionId, 'Workflow', { noticeType: 'PUSH_URL', text: 'https://example.com' }),
    await settled(api.placeOnHold(sessionId)),
    await api.configureIdleControl(sessionId, { 'timeout-alert': '60' }),
    await settled(api.configureIdleControl(sessionId, { 'customer-alert-timeout': '60' })),
    await settled(api.configureSession(sessionId, { languageCode: 'en' })),
    await api.sessionInfo(sessionId),
    await api.fileLimits(customer),
    await settled(api.checkUpload(customer, { name: 'a.pdf', size: 10 })),
    await settled(api.download(customer, '7')),
    await api.leave(agent, 'KEEP_ALIVE'),
    await api.read(agent, 0),
    await api.disconnect(customer),
    await api.closeSession(sessionId, { closeIfNoAgents: true }),
    await api.read(customer, 0),
  ];
  attachment.detach();
  return answers;
}

describe('RemoteEngine', () => {
  it('creates a session on the alive, non-draining node with the fewest sessions', async () => {
    const [a, b, c] = await Promise.all([cluster.node('A'), cluster.node('B'), cluster.node('C')]);
    await a.beat({ sessions: 3 });
    await b.beat({ sessions: 1 });
    await c.beat({ draining: true, sessions: 0 });
    const { party } = await cluster.gateway('g1').createSession({ creator: CUSTOMER });
    expect(b.engine.sessionCount).toBe(1);
    expect(await cluster.ownership.owner(party.sessionId)).toMatchObject({ nodeId: 'B' });
    expect(await cluster.membership.route(party.sessionId)).toBe('B');
    await b.beat({ limited: true, sessions: 1 });
    await cluster.gateway('g1').createSession({ creator: CUSTOMER });
    expect(a.engine.sessionCount).toBe(1);
  });

  it('tries another node when the one it chose answers that it is over its load limit', async () => {
    const full = await cluster.node('A', undefined, { sessions: 1, restorePercent: 50 });
    await full.engine.createSession({ creator: CUSTOMER });
    await full.beat({ sessions: 0 });
    const other = await cluster.node('B');
    await other.beat({ sessions: 5 });
    const { party } = await cluster.gateway('g1').createSession({ creator: CUSTOMER });
    expect(await cluster.ownership.owner(party.sessionId)).toMatchObject({ nodeId: 'B' });
    expect(full.engine.sessionCount).toBe(1);
  });

  it('answers every call as the engine does in-process', async () => {
    await cluster.node('A', new SequentialIds());
    const local = new ChatEngine({
      clock: new ManualClock(),
      ids: new SequentialIds(),
      rules: DEFAULT_RULES,
      store: new MemoryTranscriptStore(),
      bus: new MemoryEventBus(),
    });
    const remote = await everyCall(cluster.gateway('g1'));
    expect(remote).toEqual(await everyCall(local));
    expect(remote).toHaveLength(28);
    expect(cluster.errors).toEqual([]);
  });

  it('refuses with the engine’s ChatError codes and messages', async () => {
    const a = await cluster.node('A');
    const remote = cluster.gateway('g1');
    const { sessionId, customer } = await chat(remote);
    const calls: Array<(api: ChatEngineApi) => Promise<unknown>> = [
      (api) => api.read({ ...customer, secureKey: 'wrong' }, 0),
      (api) => api.message(customer, { text: 'x', visibility: 'SECRET' as 'ALL' }),
      (api) => api.notice(customer, { noticeType: 'SHOUTING' }),
      (api) => api.join('5000000000000000', AGENT),
      (api) => api.join(sessionId, { ...AGENT, clientVersion: 99 }),
    ];
    for (const call of calls) {
      const [remotely, locally] = [await refusal(call(remote)), await refusal(call(a.engine))];
      expect({ code: remotely.code, message: remotely.message }).toEqual({ code: locally.code, message: locally.message });
    }
    const codes = await Promise.all(calls.map(async (call) => (await refusal(call(remote))).code));
    expect(codes).toEqual(['SESSION_NOT_FOUND', 'INVALID_VISIBILITY', 'INVALID_NOTICE_TYPE', 'SESSION_NOT_FOUND', 'INVALID_CLIENT_VERSION']);
  });

  it('follows NOT_OWNER to the owner and caches the route', async () => {
    const a = await cluster.node('A');
    const b = await cluster.node('B');
    await b.beat({ sessions: 5 });
    const asked: string[] = [];
    const remote = cluster.gateway('g1', { fetch: (input, init) => (asked.push(String(input)), fetch(input, init)) });
    const { sessionId, customer } = await chat(remote);
    expect(await cluster.ownership.owner(sessionId)).toMatchObject({ nodeId: 'A' });
    await cluster.membership.setRoute(sessionId, 'B', 60_000);
    asked.length = 0;
    const view = await remote.read(customer, 0);
    expect(asked).toEqual([b.url, a.url]);
    expect(view.events.map(label)).toEqual(['newParty', 'newParty']);
    expect(await cluster.membership.route(sessionId)).toBe('A');
    expect(await cluster.ownership.owner(sessionId)).toMatchObject({ nodeId: 'A' });
    expect(b.engine.sessionCount).toBe(0);
    expect(a.engine.sessionCount).toBe(1);
  });

  it('moves on from a node that does not answer in time', async () => {
    await cluster.node('A');
    await cluster.hungNode('H');
    const remote = cluster.gateway('g1', { requestTimeoutMs: 200 });
    const { sessionId, customer } = await chat(remote);
    await cluster.membership.setRoute(sessionId, 'H', 60_000);
    expect((await remote.message(customer, { text: 'still here' })).event.position).toBe(2);
    expect(await cluster.membership.route(sessionId)).toBe('A');
  });

  it('lists the live sessions of the nodes that answer, leaving out a node that does not, and none answering is an outage', async () => {
    const a = await cluster.node('A');
    await cluster.hungNode('H');
    const remote = cluster.gateway('g1', { requestTimeoutMs: 200 });
    const { party } = await a.engine.createSession({ creator: CUSTOMER });
    expect((await remote.liveSessions({})).map((s) => s.sessionId)).toEqual([party.sessionId]);
    await a.lose();
    expect(await refusal(remote.liveSessions({}))).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });

  it('refuses with STORAGE_UNAVAILABLE when no session engine is left', async () => {
    const a = await cluster.node('A');
    const remote = cluster.gateway('g1');
    const { customer } = await chat(remote);
    await a.lose();
    for (const work of [() => remote.createSession({ creator: CUSTOMER }), () => remote.read(customer, 0), () => remote.findParty(customer.secureKey)]) {
      expect(await refusal(work())).toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: 'no session engine available; try again' });
    }
  });

  describe('when the node of a session is lost', () => {
    let a: TestNode;
    let b: TestNode;
    let remote: ChatEngineApi;
    let session: { sessionId: string; customer: Actor; agent: Actor };
    /** Everything the customer was shown: the attach view, then what its listener got. */
    let shown: SessionView[];
    let live: Inbox<SessionView>;

    /** A chat on A, the customer attached live through a gateway that checks membership every `pollIntervalMs`. */
    async function attachedOnA(pollIntervalMs: number): Promise<void> {
      a = await cluster.node('A');
      b = await cluster.node('B');
      await b.beat({ sessions: 5 });
      remote = cluster.gateway('g1', { pollIntervalMs });
      session = await chat(remote);
      live = new Inbox<SessionView>();
      const attachment = await remote.attach(session.customer, 0, (view) => live.push(view));
      shown = [attachment.view];
      await remote.message(session.agent, { text: 'before' });
      await live.next(saying('before'), 'the agent’s message');
    }

    /** The customer saw each event of the transcript once, in order, with nothing left out. */
    async function expectShownOnceInOrder(): Promise<void> {
      const positions = [...shown, ...live.history].flatMap((view) => view.events.map((e) => e.event.position));
      const transcript = (await remote.read(session.customer, 0)).events.map((e) => e.event.position);
      expect(positions).toEqual(transcript);
      expect(positions).toEqual(transcript.map((_, i) => i));
      expect(cluster.errors).toEqual([]);
    }

    it('serves its next call on another node, which restores it, and moves the live attachment there', async () => {
      await attachedOnA(60_000);
      await a.lose();
      await remote.message(session.customer, { text: 'after' });
      expect(await cluster.ownership.owner(session.sessionId)).toMatchObject({ nodeId: 'B' });
      expect(await cluster.membership.route(session.sessionId)).toBe('B');
      await live.next(saying('after'), 'the customer’s message served by B');
      const left = live.history.flatMap((view) => view.events).find((e) => e.event.kind === 'partyLeft');
      expect(left?.event).toMatchObject({ userId: session.agent.userId, quitReasonCode: '8' });

      const rejoined = await remote.join(session.sessionId, AGENT);
      await remote.message(actor(rejoined.party), { text: 'welcome back' });
      await live.next(saying('welcome back'), 'B’s later event');
      expect([...shown, ...live.history].flatMap((view) => view.events.map(label))).toEqual([
        'newParty',
        'newParty',
        'before',
        'partyLeft',
        'after',
        'newParty',
        'welcome back',
      ]);
      await expectShownOnceInOrder();
    });

    it('finds the customer by key: "try again" while the node is away, then in its session wherever it is restored', async () => {
      await attachedOnA(60_000);
      await a.crash();
      // A still a member: named with its session, or by the key alone (recorded for that session), it is A's and A
      // does not answer; a key recorded for no session cannot be said wrong either (A may hold it). All passing,
      // none a refusal of the credentials.
      const passing = await refusal(remote.findParty(session.customer.secureKey, session.sessionId));
      expect(passing.code).toBe('NOT_OWNER');
      expect((await refusal(remote.findParty(session.customer.secureKey))).code).toBe('NOT_OWNER');
      expect(await refusal(remote.findParty('a key recorded for no session'))).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      await cluster.membership.leave('A');
      const { sessionId, userId, secureKey } = session.customer;
      expect(await remote.findParty(secureKey, sessionId)).toEqual({ sessionId, userId, secureKey });
      expect(await cluster.ownership.owner(sessionId)).toMatchObject({ nodeId: 'B' });
      expect(await remote.findParty(secureKey)).toEqual({ sessionId, userId, secureKey });
      expect(await remote.findParty('a wrong key', sessionId)).toBeUndefined();
    });

    it('finds a party presenting its key alone while no node holds its session, restoring the session where it was recorded', async () => {
      a = await cluster.node('A');
      b = await cluster.node('B');
      remote = cluster.gateway('g1');
      session = await chat(remote);
      await a.lose();
      expect(b.engine.sessionCount).toBe(0);
      const { sessionId, userId, secureKey } = session.customer;
      expect(await remote.findParty(secureKey)).toEqual({ sessionId, userId, secureKey });
      expect(await cluster.ownership.owner(sessionId)).toMatchObject({ nodeId: 'B' });
      expect(b.engine.sessionCount).toBe(1);
      expect(await remote.findParty('a wrong key')).toBeUndefined();
      await remote.message(session.customer, { text: 'still here' });
      expect((await b.engine.read(session.customer, 0)).events.map(label)).toEqual(['newParty', 'newParty', 'partyLeft', 'still here']);
    });

    it('re-attaches the live attachment on its own once the node leaves membership', async () => {
      await attachedOnA(POLL_INTERVAL_MS);
      await a.lose();
      const left = await live.next((view) => view.events.some((e) => e.event.kind === 'partyLeft'), 'the agent marked left');
      expect(left.events.map((e) => e.event)).toEqual([expect.objectContaining({ kind: 'partyLeft', userId: session.agent.userId, quitReasonCode: '8' })]);
      expect(await cluster.ownership.owner(session.sessionId)).toMatchObject({ nodeId: 'B' });

      await b.engine.externalMessage(session.sessionId, 'Workflow', { text: 'served by B' });
      await live.next(saying('served by B'), 'B’s later event');
      await expectShownOnceInOrder();
    });
  });

  it('carries live events to every gateway attached to the session', async () => {
    await cluster.node('A');
    await cluster.node('B');
    const [g1, g2] = [cluster.gateway('g1'), cluster.gateway('g2')];
    const { sessionId, customer, agent } = await chat(g1);
    const [toCustomer, toAgent, toLeaving] = [new Inbox<SessionView>(), new Inbox<SessionView>(), new Inbox<SessionView>()];
    await g1.attach(customer, 0, (view) => toCustomer.push(view));
    await g2.attach(agent, 0, (view) => toAgent.push(view));
    const leaving = await g2.attach(customer, 0, (view) => toLeaving.push(view));

    await g2.message(agent, { text: 'hi from g2' });
    await g1.externalMessage(sessionId, 'Workflow', { text: 'hi from the workflow' });
    for (const inbox of [toCustomer, toAgent, toLeaving]) {
      await inbox.next(saying('hi from g2'), 'the agent’s message');
      await inbox.next(saying('hi from the workflow'), 'the workflow’s message');
    }

    leaving.detach();
    await g1.message(customer, { text: 'bye' });
    await toCustomer.next(saying('bye'), 'the customer’s message on g1');
    await toAgent.next(saying('bye'), 'the customer’s message on g2');
    expect(toLeaving.history.some(saying('bye'))).toBe(false);
    expect(cluster.errors).toEqual([]);
  });
});
