import { MemoryEventBus, MemoryInteractionServer, MemoryTranscriptStore, MemoryUcs } from '@ocs/adapters-memory';
import { DEFAULT_RULES, type SessionRules } from '@ocs/chat-domain';
import { ChatEngine, type Actor, type Durability } from '@ocs/chat-engine';
import { InteractionBridge, NODE_PROPERTY, STATISTICS_ATTACHED_MARK, type BridgeOptions } from './interaction-bridge';
import { TOPICS, type SessionEventRecord } from '@ocs/contracts';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';

const SERVICE = { name: 'customer-support', tenantDbid: 1, endpoint: 'default' };

async function setup(options: Partial<BridgeOptions> = {}, rules: Partial<SessionRules> = {}, durability?: Durability) {
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 10));
  const bus = new MemoryEventBus();
  const store = new MemoryTranscriptStore();
  const engine = new ChatEngine({ clock, ids: new SequentialIds(), rules: { ...DEFAULT_RULES, ...rules }, store, bus, ...(durability ? { durability } : {}) });
  const interactions = new MemoryInteractionServer();
  const ucs = new MemoryUcs();
  const errors: unknown[] = [];
  const late: string[] = [];
  const newBridge = () =>
    new InteractionBridge({
      engine,
      interactions,
      ucs,
      store,
      bus,
      options: {
        appName: 'OCS_Chat',
        endpoints: { 1: { default: 'chat_inbound', vip: 'chat_vip' } },
        stopAbandoned: 'never',
        saveNotices: 'major',
        ...options,
      },
      onError: (_id, e) => errors.push(e),
      onStatisticsLate: (sessionId) => late.push(sessionId),
      maskText: (tenantDbid, text) => `${text.replace(/\d/g, '*')} (tenant ${tenantDbid})`,
    });
  const bridge = newBridge();
  await bridge.start();
  return { clock, bus, engine, interactions, ucs, errors, late, bridge, newBridge };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Waits for the bridge to mark the interaction offline: a closing that waits for the statistics is finished off the bus. */
async function offline(s: Setup, interactionId: string): Promise<void> {
  while ((await s.interactions.get(interactionId))?.properties.IsOnline !== '0') await new Promise((resolve) => setTimeout(resolve, 5));
}

async function customer(s: Setup, userData: Record<string, string> = {}, service = SERVICE) {
  const { party } = await s.engine.createSession({
    creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106, userData },
    userData,
    service,
  });
  await s.bus.idle();
  const actor: Actor = { sessionId: party.sessionId, userId: party.userId, secureKey: party.secureKey };
  const [interaction] = s.interactions.waiting();
  return { actor, interaction };
}

async function agentJoins(s: Setup, sessionId: string): Promise<Actor> {
  const { party } = await s.engine.join(sessionId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 });
  await s.bus.idle();
  return { sessionId, userId: party.userId, secureKey: party.secureKey };
}

describe('InteractionBridge', () => {
  it('submits each new session to the queue of its endpoint with the customer data and the server keys', async () => {
    const s = await setup();
    const { actor, interaction } = await customer(s, { Subject: 'billing', GCTI_LanguageCode: 'en-US' });
    expect(interaction).toMatchObject({ queue: 'chat_inbound', tenantDbid: 1, sessionId: actor.sessionId, state: 'queued' });
    expect(interaction.properties).toEqual({ Subject: 'billing', GCTI_LanguageCode: 'en-US', ChatServerAppName: 'OCS_Chat', IsOnline: '1' });
    expect(await s.engine.findByInteraction(interaction.interactionId)).toBe(actor.sessionId);
    expect((await s.engine.sessionInfo(actor.sessionId)).interactionId).toBe(interaction.interactionId);
    expect((await s.ucs.getInteraction(interaction.interactionId))?.sessionId).toBe(actor.sessionId);
    const other = await customer(s, {}, { ...SERVICE, endpoint: 'vip' });
    expect((await s.interactions.get((await s.engine.sessionInfo(other.actor.sessionId)).interactionId ?? ''))?.queue).toBe('chat_vip');
    expect(s.errors).toEqual([]);
  });

  it.each<[BridgeOptions['cleanSubject'], string, string]>([
    ['never', 'card 4111', 'card 4111'],
    ['history', 'card 4111', 'card **** (tenant 1)'],
    ['interaction', 'card **** (tenant 1)', 'card 4111'],
    ['both', 'card **** (tenant 1)', 'card **** (tenant 1)'],
  ])('clean-subject %s: the Subject of the interaction is "%s", that of the UCS record "%s"', async (cleanSubject, onInteraction, inHistory) => {
    const s = await setup({ cleanSubject });
    const { interaction } = await customer(s, { Subject: 'card 4111' });
    expect(interaction.properties.Subject).toBe(onInteraction);
    const record = await s.ucs.getInteraction(interaction.interactionId);
    expect([record?.subject, record?.userData.Subject]).toEqual([inHistory, inHistory]);
  });

  it('attaches the session password when it is enforced', async () => {
    const s = await setup({}, { sessionPasswordEnforce: true });
    const { interaction } = await customer(s);
    expect(interaction.properties.ChatServerSessionPassword).toMatch(/^[0-9a-f]+$/);
  });

  it('identifies the contact: match by EmailAddress, user data wins for the interaction, anonymous without attributes', async () => {
    const s = await setup();
    const first = await customer(s, { EmailAddress: 'ann@example.com', FirstName: 'Ann' });
    const contactId = first.interaction.properties.ContactID;
    expect(contactId).toMatch(/^[0-9A-F]{16}$/);
    await s.interactions.take(first.interaction.interactionId);
    const second = await customer(s, { EmailAddress: 'ann@example.com', FirstName: 'Anne' });
    expect(second.interaction.properties).toMatchObject({ ContactID: contactId, FirstName: 'Anne', EmailAddress: 'ann@example.com' });
    await s.interactions.take(second.interaction.interactionId);
    const anonymous = await customer(s, { Subject: 'x' });
    expect(anonymous.interaction.properties.ContactID).toBeUndefined();
    expect((await s.ucs.getInteraction(anonymous.interaction.interactionId))?.contactId).toBeUndefined();
  });

  it('keeps the async status of an async session current on the interaction', async () => {
    const s = await setup();
    const { actor, interaction } = await customer(s, { GCTI_Chat_AsyncMode: 'true' });
    const props = async () => (await s.interactions.get(interaction.interactionId))?.properties ?? {};
    expect(await props()).toMatchObject({ GCTI_Chat_AsyncStatus: '1', GCTI_Chat_AsyncCheckAt: expect.stringMatching(/^\d+$/) });
    const agent = await agentJoins(s, actor.sessionId);
    expect((await props()).GCTI_Chat_AsyncStatus).toBe('-1');
    await s.engine.leave(agent, 'KEEP_ALIVE');
    await s.engine.placeOnHold(actor.sessionId);
    await s.bus.idle();
    expect((await props()).GCTI_Chat_AsyncStatus).toBe('-2');
    await s.engine.message(actor, { text: 'anyone there?' });
    await s.bus.idle();
    expect((await props()).GCTI_Chat_AsyncStatus).toBe('2');
  });

  it('on close: IsOnline=0 and the final transcript in UCS, marked closed', async () => {
    const s = await setup();
    const { actor, interaction } = await customer(s, { EmailAddress: 'ann@example.com' });
    const agent = await agentJoins(s, actor.sessionId);
    await s.engine.message(actor, { text: 'thanks & bye <3' });
    await s.engine.leave(agent, 'FORCE_CLOSE');
    await s.bus.idle();
    expect((await s.interactions.get(interaction.interactionId))?.properties.IsOnline).toBe('0');
    const record = await s.ucs.getInteraction(interaction.interactionId);
    expect(record?.closedAt).toBe(Date.UTC(2026, 10, 25, 10));
    expect(record?.transcript).toContain('<chatTranscript');
    expect(record?.transcript).toContain('thanks &amp; bye &lt;3');
    expect((await s.interactions.get(interaction.interactionId))?.state).toBe('queued');
  });

  it.each([
    ['always', true, true],
    ['never', false, false],
    ['noanswer', true, false],
    ['noagents', true, false],
  ] as const)('stop-abandoned-interaction=%s stops an unanswered one: %s, an answered one: %s', async (policy, unanswered, answered) => {
    const s = await setup({ stopAbandoned: policy });
    const a = await customer(s);
    await s.interactions.take(a.interaction.interactionId);
    await s.engine.leave(a.actor, 'KEEP_ALIVE');
    const b = await customer(s);
    const agent = await agentJoins(s, b.actor.sessionId);
    await s.engine.leave(agent, 'FORCE_CLOSE');
    await s.bus.idle();
    expect((await s.interactions.get(a.interaction.interactionId))?.state === 'stopped').toBe(unanswered);
    expect((await s.interactions.get(b.interaction.interactionId))?.state === 'stopped').toBe(answered);
  });

  it('with statistics-close-wait, holds IsOnline=0 and the transcript until the final statistics are on the interaction', async () => {
    const s = await setup({ statisticsWaitMs: 60_000 });
    const { actor, interaction } = await customer(s);
    const id = interaction.interactionId;
    let looks = 0;
    const get = s.interactions.get.bind(s.interactions);
    s.interactions.get = async (interactionId) => ((looks += interactionId === id ? 1 : 0), get(interactionId));
    await s.engine.leave(actor, 'FORCE_CLOSE');
    while (looks < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await get(id))?.properties.IsOnline).toBe('1');
    expect((await s.ucs.getInteraction(id))?.closedAt).toBeUndefined();
    await s.interactions.updateProperties(id, { [STATISTICS_ATTACHED_MARK]: '2026-11-25T10:00:00Z' });
    while (!(await s.ucs.getInteraction(id))?.closedAt) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await get(id))?.properties).toMatchObject({ IsOnline: '0', [STATISTICS_ATTACHED_MARK]: '2026-11-25T10:00:00Z' });
    expect((await s.ucs.getInteraction(id))?.closedAt).toBe(Date.UTC(2026, 10, 25, 10));
    expect(s.late).toEqual([]);
  });

  it('closes a session whose statistics did not come within statistics-close-wait, and reports it', async () => {
    const s = await setup({ statisticsWaitMs: 50 });
    const { actor, interaction } = await customer(s);
    await s.engine.leave(actor, 'FORCE_CLOSE');
    await offline(s, interaction.interactionId);
    expect(s.late).toEqual([actor.sessionId]);
  });

  it('closes the session when routing stops its interaction', async () => {
    const s = await setup();
    const { actor, interaction } = await customer(s);
    await s.interactions.stopExternally(interaction.interactionId);
    await s.bus.idle();
    const view = await s.engine.read(actor, 0);
    expect(view.closed).toBe(true);
    expect(view.events.at(-1)?.event).toMatchObject({ kind: 'partyLeft', quitReasonCode: '5' });
  });

  it('reports a session whose endpoint has no queue, and goes on with the others', async () => {
    const s = await setup();
    await customer(s, {}, { ...SERVICE, endpoint: 'missing' });
    expect(String(s.errors[0])).toContain('[endpoints:1]');
    const { interaction } = await customer(s);
    expect(interaction?.queue).toBe('chat_inbound');
  });
});

describe('InteractionBridge and purged sessions', () => {
  it('skips a malformed record, reporting it, and goes on with the next', async () => {
    const s = await setup();
    const malformed = [{ type: 'created', sessionId: 'S-bad' }, 'created', { type: 'closed', sessionId: 'S-bad', at: 'yesterday' }];
    await s.bus.publish(malformed.map((value) => ({ topic: TOPICS.sessionEvents, key: 'S-bad', value })));
    const { interaction } = await customer(s, { Subject: 'after the bad ones' });
    expect(interaction.properties.Subject).toBe('after the bad ones');
    expect(s.errors).toHaveLength(3);
    expect(s.errors[0]).toMatchObject({ message: expect.stringMatching(/^malformed ocs\.chat\.session-events\.v1 record skipped: .*userData/) });
    expect(s.interactions.waiting()).toHaveLength(1);
  });

  it('forgets a purged session without closing actions on its interaction', async () => {
    const s = await setup();
    const { actor, interaction } = await customer(s);
    await s.engine.closeSession(actor.sessionId, { purge: true });
    await s.bus.idle();
    const info = await s.interactions.get(interaction.interactionId);
    expect(info?.properties.IsOnline).toBe('1');
    expect((await s.ucs.getInteraction(interaction.interactionId))?.closedAt).toBeUndefined();
  });
});

describe('InteractionBridge in a cluster', () => {
  const publish = (s: Setup, value: SessionEventRecord) => s.bus.publish([{ topic: TOPICS.sessionEvents, key: value.sessionId, value }]);

  it('handles a redelivered created record without a second interaction or UCS record', async () => {
    const s = await setup();
    const created: SessionEventRecord[] = [];
    await s.bus.subscribe(
      TOPICS.sessionEvents,
      'test',
      (r) => void ((r.value as SessionEventRecord).type === 'created' && created.push(r.value as SessionEventRecord)),
    );
    const { actor, interaction } = await customer(s, { EmailAddress: 'ann@example.com' });
    await publish(s, created[0]);
    await s.bus.idle();
    expect(s.interactions.waiting().map((i) => i.interactionId)).toEqual([interaction.interactionId]);
    expect((await s.engine.sessionInfo(actor.sessionId)).interactionId).toBe(interaction.interactionId);
    expect(s.errors).toEqual([]);
  });

  it('points the interaction at the node that restored the session', async () => {
    const s = await setup();
    const { actor, interaction } = await customer(s);
    await publish(s, { type: 'restored', sessionId: actor.sessionId, nodeId: 'node-2', previousNodeId: 'node-1', interactionId: interaction.interactionId });
    await s.bus.idle();
    expect((await s.interactions.get(interaction.interactionId))?.properties[NODE_PROPERTY]).toBe('node-2');
  });

  it('a bridge that takes over mid-session finds the interaction in the saved session state', async () => {
    const s = await setup({}, {}, { autoSave: 1, saveOnError: 'continue', resendAttempts: 0, resendDelayMs: 0 });
    const { actor, interaction } = await customer(s);
    await agentJoins(s, actor.sessionId);
    await s.bridge.stop();
    await s.newBridge().start();
    await publish(s, { type: 'properties', sessionId: actor.sessionId, properties: { GCTI_Chat_AsyncStatus: '1' } });
    await s.bus.idle();
    expect((await s.interactions.get(interaction.interactionId))?.properties.GCTI_Chat_AsyncStatus).toBe('1');
  });
});
