import { MemoryEventBus, MemoryInteractionServer, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { DEFAULT_RULES, type JoinRequest, type SessionRules } from '@ocs/chat-domain';
import { ChatEngine } from './chat-engine';
import { actor, refusal } from '@ocs/testing';
import { TOPICS, type SessionEventRecord } from '@ocs/contracts';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';

const T0 = Date.UTC(2026, 0, 1);
const ALERT = 10_000;
const CLOSE = 5_000;
const SERVICE = { name: 'customer-support', tenantDbid: 101, endpoint: 'default' };
const CUSTOMER: JoinRequest = { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 };
const AGENT: JoinRequest = { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 };

async function setup(rules: Partial<SessionRules> = {}) {
  const clock = new ManualClock(T0);
  const store = new MemoryTranscriptStore();
  const bus = new MemoryEventBus();
  const engine = new ChatEngine({
    clock,
    ids: new SequentialIds(),
    rules: { ...DEFAULT_RULES, asyncIdleAlertMs: ALERT, asyncIdleCloseMs: CLOSE, ...rules },
    store,
    bus,
  });
  const records: SessionEventRecord[] = [];
  await bus.subscribe(TOPICS.sessionEvents, 'test', (r) => void records.push(r.value as SessionEventRecord));
  /** Every record published so far, then forgets them. */
  const published = async (): Promise<SessionEventRecord[]> => {
    await bus.idle();
    return records.splice(0);
  };
  return { clock, store, bus, engine, published };
}

function describeRecord(v: SessionEventRecord): string {
  return v.type === 'event' ? `${v.event.position}:${v.event.kind}` : v.type;
}

function checkAt(idleSince: number): string {
  return String(Math.ceil((idleSince + ALERT + CLOSE) / 1000));
}

describe('createSession publishing', () => {
  it('publishes a created record (service, user data, enforced password, properties) before the events', async () => {
    const { engine, published } = await setup({ sessionPasswordEnforce: true });
    const { party } = await engine.createSession({
      creator: { ...CUSTOMER, userData: { GCTI_Chat_AsyncMode: 'true', Subject: 'billing' } },
      service: SERVICE,
    });
    const records = await published();
    expect(records.map(describeRecord)).toEqual(['created', '0:newParty']);
    const created = records[0];
    if (created.type !== 'created') throw new Error('not a created record');
    expect(created).toEqual({
      type: 'created',
      sessionId: party.sessionId,
      at: T0,
      service: SERVICE,
      userData: { GCTI_Chat_AsyncMode: 'true', Subject: 'billing' },
      password: expect.stringMatching(/^[0-9a-f]{16}$/),
      properties: { GCTI_Chat_AsyncStatus: '1', GCTI_Chat_AsyncCheckAt: checkAt(T0) },
    });
    // the password lets an agent join
    const password = created.password ?? '';
    const joined = await engine.join(party.sessionId, { ...AGENT, userData: { GCTI_Chat_SessionPassword: password } });
    expect(joined.party.partyNumber).toBe(2);
  });

  it('a regular session without enforced password: no password, no properties, no service', async () => {
    const { engine, published } = await setup();
    const { party } = await engine.createSession({ creator: CUSTOMER, userData: { Subject: 'x' } });
    const [created, ...rest] = await published();
    expect(created).toEqual({ type: 'created', sessionId: party.sessionId, at: T0, userData: { Subject: 'x' }, properties: {} });
    expect(rest.map(describeRecord)).toEqual(['0:newParty']);
  });
});

describe('interaction binding and properties', () => {
  it('property changes are published as properties records, with the interaction id once bound', async () => {
    const { clock, engine, published } = await setup();
    const { party } = await engine.createSession({ creator: { ...CUSTOMER, userData: { GCTI_Chat_AsyncMode: 'true' } } });
    const sessionId = party.sessionId;
    clock.advance(1000);
    const agent = await engine.join(sessionId, AGENT);
    const beforeBinding = await published();
    expect(beforeBinding.map(describeRecord)).toEqual(['created', '0:newParty', '1:newParty', 'properties']);
    expect(beforeBinding[3]).toEqual({
      type: 'properties',
      sessionId,
      properties: { GCTI_Chat_AsyncStatus: '-1', GCTI_Chat_AsyncCheckAt: checkAt(T0 + 1000) },
    });

    await engine.bindInteraction(sessionId, 'IXN-1');
    expect(await published()).toEqual([]);
    await engine.leave(actor(agent.party), 'KEEP_ALIVE', { transferred: true });
    const afterLeave = await published();
    expect(afterLeave.map(describeRecord)).toEqual(['2:partyLeft', 'properties']);
    expect(afterLeave[1]).toEqual({
      type: 'properties',
      sessionId,
      interactionId: 'IXN-1',
      properties: { GCTI_Chat_AsyncStatus: '5', GCTI_Chat_AsyncCheckAt: checkAt(T0 + 1000) },
    });

    await engine.placeOnHold(sessionId);
    expect(await published()).toEqual([
      { type: 'properties', sessionId, interactionId: 'IXN-1', properties: { GCTI_Chat_AsyncStatus: '-2', GCTI_Chat_AsyncCheckAt: checkAt(T0 + 1000) } },
    ]);

    clock.advance(1000);
    await engine.message(actor(party), { text: 'hello again' });
    const reply = await published();
    expect(reply.map(describeRecord)).toEqual(['3:message', 'properties']);
    expect(reply[1]).toMatchObject({ interactionId: 'IXN-1', properties: { GCTI_Chat_AsyncStatus: '2', GCTI_Chat_AsyncCheckAt: checkAt(T0 + 2000) } });
  });

  it('configureSession with asyncIdleReset publishes the moved check time', async () => {
    const { clock, engine, published } = await setup();
    const { party } = await engine.createSession({ creator: { ...CUSTOMER, userData: { GCTI_Chat_AsyncMode: 'true' } } });
    await engine.bindInteraction(party.sessionId, 'IXN-2');
    await published();
    clock.advance(3000);
    await engine.configureSession(party.sessionId, { asyncIdleReset: true });
    expect(await published()).toEqual([
      { type: 'properties', sessionId: party.sessionId, interactionId: 'IXN-2', properties: { GCTI_Chat_AsyncCheckAt: checkAt(T0 + 3000) } },
    ]);
    expect(engine.nextDeadline()).toBe(T0 + 3000 + ALERT);
  });

  it('tick runs the async idle timers: alert with status 3, then the close', async () => {
    const { clock, engine, store, published } = await setup();
    const { party } = await engine.createSession({ creator: { ...CUSTOMER, userData: { GCTI_Chat_AsyncMode: 'true' } } });
    await engine.attach(actor(party), 0, () => undefined);
    await engine.bindInteraction(party.sessionId, 'IXN-3');
    await published();
    expect(engine.nextDeadline()).toBe(T0 + ALERT);
    clock.set(T0 + ALERT);
    expect(await engine.tick()).toEqual([]);
    const alert = await published();
    expect(alert.map(describeRecord)).toEqual(['1:notice', 'properties']);
    expect(alert[1]).toMatchObject({ interactionId: 'IXN-3', properties: { GCTI_Chat_AsyncStatus: '3' } });
    expect(engine.nextDeadline()).toBe(T0 + ALERT + CLOSE);
    clock.set(T0 + ALERT + CLOSE);
    await engine.tick();
    const closing = await published();
    expect(closing.map(describeRecord)).toEqual(['2:notice', '3:partyLeft', 'closed']);
    expect(closing[2]).toEqual({ type: 'closed', sessionId: party.sessionId, interactionId: 'IXN-3', at: T0 + ALERT + CLOSE });
    expect((await store.load(party.sessionId))?.status).toBe('CLOSED');
  });

  it('findByInteraction asks the shared interaction queue for an interaction of a session this node does not hold', async () => {
    const interactions = new MemoryInteractionServer();
    const { interactionId } = await interactions.submit({ tenantDbid: 1, queue: 'q', mediaType: 'chat', sessionId: 'S-elsewhere', properties: {} });
    const engine = new ChatEngine({
      clock: new ManualClock(T0),
      ids: new SequentialIds(),
      rules: DEFAULT_RULES,
      store: new MemoryTranscriptStore(),
      bus: new MemoryEventBus(),
      interactions,
    });
    expect(await engine.findByInteraction(interactionId)).toBe('S-elsewhere');
    expect(await engine.findByInteraction('FFFFFFFFFFFFFFFF')).toBeUndefined();
  });

  it('bindInteraction and findByInteraction', async () => {
    const { engine } = await setup();
    const { party } = await engine.createSession({ creator: CUSTOMER });
    expect(await engine.findByInteraction('IXN-4')).toBeUndefined();
    await engine.bindInteraction(party.sessionId, 'IXN-4');
    expect(await engine.findByInteraction('IXN-4')).toBe(party.sessionId);
    expect((await engine.sessionInfo(party.sessionId)).interactionId).toBe('IXN-4');
    expect((await refusal(engine.bindInteraction('FFFFFFFFFFFFFFFF', 'IXN-5'))).code).toBe('SESSION_NOT_FOUND');
    expect(await engine.findByInteraction('IXN-5')).toBeUndefined();
  });
});

describe('closeSession', () => {
  it('purge forgets the session without closing it or storing it, telling consumers only that it is gone', async () => {
    const { engine, store, published } = await setup();
    const { party } = await engine.createSession({ creator: CUSTOMER });
    const agent = await engine.join(party.sessionId, AGENT);
    await engine.bindInteraction(party.sessionId, 'IXN-6');
    await published();
    expect(await engine.closeSession(party.sessionId, { purge: true })).toEqual({ closed: true });
    expect(await published()).toEqual([{ type: 'purged', sessionId: party.sessionId }]);
    expect(await store.load(party.sessionId)).toBeUndefined();
    expect((await refusal(engine.read(actor(party), 0))).code).toBe('SESSION_NOT_FOUND');
    expect((await refusal(engine.read(actor(agent.party), 0))).code).toBe('SESSION_NOT_FOUND');
    expect((await refusal(engine.sessionInfo(party.sessionId))).code).toBe('SESSION_NOT_FOUND');
    expect(await engine.findByInteraction('IXN-6')).toBeUndefined();
    expect(await engine.findParty(party.secureKey)).toBeUndefined();
    expect(engine.sessionCount).toBe(0);
  });

  it('publishes the removals and closed with the interaction id, and saves the final state', async () => {
    const { clock, engine, store, published } = await setup();
    const { party } = await engine.createSession({ creator: CUSTOMER });
    await engine.join(party.sessionId, AGENT);
    await engine.bindInteraction(party.sessionId, 'IXN-7');
    await published();
    clock.advance(5000);
    expect(await engine.closeSession(party.sessionId)).toEqual({ closed: true });
    const records = await published();
    expect(records.map(describeRecord)).toEqual(['2:partyLeft', '3:partyLeft', 'closed']);
    expect(records[2]).toEqual({ type: 'closed', sessionId: party.sessionId, interactionId: 'IXN-7', at: T0 + 5000 });
    const saved = await store.load(party.sessionId);
    expect(saved).toMatchObject({ id: party.sessionId, status: 'CLOSED', closedAt: T0 + 5000, interactionId: 'IXN-7' });
    expect(saved?.transcript.map((e) => e.kind)).toEqual(['newParty', 'newParty', 'partyLeft', 'partyLeft']);
    expect((await engine.read(actor(party), 0)).closed).toBe(true);
    // closing again: still closed, nothing more published
    expect(await engine.closeSession(party.sessionId)).toEqual({ closed: true });
    expect(await published()).toEqual([]);
  });

  it('closeIfNoAgents with an agent present: not closed, nothing published', async () => {
    const { engine, store, published } = await setup();
    const { party } = await engine.createSession({ creator: CUSTOMER });
    await engine.join(party.sessionId, AGENT);
    await published();
    expect(await engine.closeSession(party.sessionId, { closeIfNoAgents: true })).toEqual({ closed: false });
    expect(await published()).toEqual([]);
    expect(await store.load(party.sessionId)).toBeUndefined();
  });

  it('an unknown session is refused', async () => {
    const { engine } = await setup();
    expect((await refusal(engine.closeSession('FFFFFFFFFFFFFFFF'))).code).toBe('SESSION_NOT_FOUND');
  });
});

describe('sessionInfo', () => {
  it('tells creation time, restoration, state, next position and interaction', async () => {
    const { clock, engine } = await setup();
    const { party } = await engine.createSession({ creator: CUSTOMER });
    await engine.join(party.sessionId, AGENT);
    expect(await engine.sessionInfo(party.sessionId)).toEqual({ sessionId: party.sessionId, createdAt: T0, isRestored: false, closed: false, nextPosition: 2 });
    await engine.bindInteraction(party.sessionId, 'IXN-8');
    clock.advance(1000);
    await engine.closeSession(party.sessionId);
    expect(await engine.sessionInfo(party.sessionId)).toEqual({
      sessionId: party.sessionId,
      createdAt: T0,
      isRestored: false,
      closed: true,
      nextPosition: 4,
      interactionId: 'IXN-8',
    });
  });
});

describe('workflow messages and notices', () => {
  it('externalMessage answers with the message event, not the EXTERNAL party join', async () => {
    const { engine, published } = await setup();
    const { party } = await engine.createSession({ creator: CUSTOMER });
    await published();
    const first = await engine.externalMessage(party.sessionId, 'Workflow', { text: 'Please wait' });
    expect(first).toMatchObject({ kind: 'message', text: 'Please wait', nickname: 'Workflow', position: 2 });
    const records = await published();
    expect(records.map(describeRecord)).toEqual(['1:newParty', '2:message']);
    expect(records[0]).toMatchObject({ type: 'event', from: { userType: 'EXTERNAL', nickname: 'Workflow', partyNumber: 2 } });
    const second = await engine.externalMessage(party.sessionId, 'Workflow', { text: 'Still waiting' });
    expect(second).toMatchObject({ kind: 'message', text: 'Still waiting', position: 3, userId: first.userId });
    const seen = await engine.read(actor(party), 0);
    expect(seen.events.map((e) => e.event.kind === 'message' && `${e.from.userType}:${e.event.text}`).filter(Boolean)).toEqual([
      'EXTERNAL:Please wait',
      'EXTERNAL:Still waiting',
    ]);
  });

  it('externalNotice answers with the notice', async () => {
    const { engine } = await setup();
    const { party } = await engine.createSession({ creator: CUSTOMER });
    expect(await engine.externalNotice(party.sessionId, 'Workflow', { noticeType: 'USER_PUSHED_URL', text: 'https://example.com' })).toMatchObject({
      kind: 'notice',
      noticeType: 'PUSH_URL',
      text: 'https://example.com',
    });
  });

  it('a refused workflow message publishes nothing, and nothing leaks into the next change', async () => {
    const { engine, published } = await setup({ messageMaxSize: 5 });
    const { party } = await engine.createSession({ creator: CUSTOMER });
    await published();
    expect((await refusal(engine.externalMessage(party.sessionId, 'Workflow', { text: 'too long for the limit' }))).code).toBe('TEXT_TOO_LONG');
    expect(await published()).toEqual([]);
    await engine.message(actor(party), { text: 'hi' });
    expect((await published()).map(describeRecord)).toEqual(['1:message']);
  });

  it('unknown sessions are refused', async () => {
    const { engine } = await setup();
    expect((await refusal(engine.externalMessage('FFFFFFFFFFFFFFFF', 'Workflow', { text: 'x' }))).code).toBe('SESSION_NOT_FOUND');
    expect((await refusal(engine.placeOnHold('FFFFFFFFFFFFFFFF'))).code).toBe('SESSION_NOT_FOUND');
    expect((await refusal(engine.sessionInfo('FFFFFFFFFFFFFFFF'))).code).toBe('SESSION_NOT_FOUND');
  });

  it('placeOnHold on a regular session is refused with NOT_ASYNC', async () => {
    const { engine } = await setup();
    const { party } = await engine.createSession({ creator: CUSTOMER });
    expect((await refusal(engine.placeOnHold(party.sessionId))).code).toBe('NOT_ASYNC');
  });
});

describe('file transfer through the engine', () => {
  async function chatWithFile() {
    const context = await setup();
    const { engine } = context;
    const { party } = await engine.createSession({ creator: CUSTOMER });
    const agent = await engine.join(party.sessionId, AGENT);
    await engine.notice(actor(party), {
      noticeType: 'SYS_COMMAND',
      text: 'file-uploaded',
      userData: { 'file-name': 'a.pdf', 'file-size': '10', 'file-source': 'ucs', 'file-document-id': 'DOC1' },
    });
    return { ...context, customer: actor(party), agent: actor(agent.party) };
  }

  it('fileLimits, checkUpload and download work for the party with its key', async () => {
    const { engine, customer } = await chatWithFile();
    expect((await engine.fileLimits(customer)).limits).toMatchObject({
      'upload-max-files': '3',
      'used-upload-max-files': '1',
      'used-upload-max-total-size': '10',
    });
    await expect(engine.checkUpload(customer, { name: 'b.pdf', size: 10 })).resolves.toEqual({});
    expect((await refusal(engine.checkUpload(customer, { name: 'b.exe', size: 10 }))).code).toBe('UPLOAD_TYPE_NOT_ALLOWED');
    expect(await engine.download(customer, '1')).toEqual({ documentId: 'DOC1', name: 'a.pdf' });
    expect((await engine.fileLimits(customer)).limits['used-download-attempts']).toBe('1');
  });

  it('a wrong key or an unknown session is SESSION_NOT_FOUND, and counts nothing', async () => {
    const { engine, customer, agent } = await chatWithFile();
    const wrong = { ...customer, secureKey: agent.secureKey };
    expect((await refusal(engine.fileLimits(wrong))).code).toBe('SESSION_NOT_FOUND');
    expect((await refusal(engine.checkUpload(wrong, { name: 'a.pdf', size: 1 }))).code).toBe('SESSION_NOT_FOUND');
    expect((await refusal(engine.download(wrong, '1'))).code).toBe('SESSION_NOT_FOUND');
    const unknown = { ...customer, sessionId: 'FFFFFFFFFFFFFFFF' };
    expect((await refusal(engine.download(unknown, '1'))).code).toBe('SESSION_NOT_FOUND');
    expect((await engine.fileLimits(customer)).limits['used-download-attempts']).toBe('0');
  });

  it("a download acts as the authenticated party: the agent's is not counted", async () => {
    const { engine, customer, agent } = await chatWithFile();
    expect((await engine.download(agent, '1')).documentId).toBe('DOC1');
    expect((await engine.fileLimits(customer)).limits['used-download-attempts']).toBe('0');
  });
});
