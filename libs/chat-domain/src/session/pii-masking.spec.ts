import { getKv } from '../kv';
import type { PiiRules, SessionRules } from '../rules';
import { agent, bot, join, startChat, supervisor } from '../test/helpers';
import type { ChatEvent, KvList, MessageEvent } from '../types';
import { ChatSession } from './chat-session';
import { DEFAULT_PII_RULES, compilePiiRules } from './pii-rules';

const CARD = '4111 1111 1111 1111';
const MASKED = '**** **** **** ****';

function pii(area: PiiRules['area'], options: { unmask?: boolean; spec?: string } = {}): Partial<SessionRules> {
  return {
    pii: { area, rules: compilePiiRules(DEFAULT_PII_RULES, { spec: options.spec ?? 'digits', repchar: '*' }), unmaskLiveDialog: options.unmask ?? false },
  };
}

/** The texts of the messages `viewerId` sees. */
function seen(session: ChatSession, viewerId: string): string[] {
  return session
    .eventsFor(viewerId)
    .filter((e): e is MessageEvent => e.kind === 'message')
    .map((e) => e.text);
}

/** The texts the session keeps (what is saved, published and put into the UCS transcript). */
function kept(session: ChatSession): string[] {
  return session.state.transcript.filter((e): e is MessageEvent => e.kind === 'message').map((e) => e.text);
}

function cleanup(event: ChatEvent): string | KvList | undefined {
  return getKv(event.eventAttributes, ['GCTI_SYSTEM', 'pii-cleanup']);
}

describe('PII masking: apply-area', () => {
  it('never (no pii rules): nothing is masked, nothing added', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    const [e] = session.message(c.userId, { text: `card ${CARD}` }).events;
    expect(e.eventAttributes).toBeUndefined();
    expect(kept(session)).toEqual([`card ${CARD}`]);
    expect(seen(session, a.userId)).toEqual([`card ${CARD}`]);
  });

  it('always: the live dialog and everything kept are masked, for every reader, the sender included', () => {
    const { session, customer: c } = startChat({ rules: pii('always') });
    const a = join(session, agent());
    session.message(c.userId, { text: `card ${CARD}` });
    expect(kept(session)).toEqual([`card ${MASKED}`]);
    expect(seen(session, a.userId)).toEqual([`card ${MASKED}`]);
    expect(seen(session, c.userId)).toEqual([`card ${MASKED}`]);
  });

  it.each(['history-all', 'history-final'] as const)('%s: the live dialog is clear for every reader, what is kept is masked', (area) => {
    const { session, customer: c } = startChat({ rules: pii(area) });
    const a = join(session, agent());
    const coach = join(session, supervisor('Coach', 'INT'));
    const [e] = session.message(c.userId, { text: `card ${CARD}` }).events;
    expect(e.kind === 'message' && e.text).toBe(`card ${MASKED}`);
    expect(kept(session)).toEqual([`card ${MASKED}`]);
    for (const reader of [a, c, coach]) expect(seen(session, reader.userId)).toEqual([`card ${CARD}`]);
    // live delivery goes through the same per-reader view
    expect(session.viewFor(e, a)).toMatchObject({ text: `card ${CARD}` });
    // a session loaded from what was saved (restoration) has only the masked text
    const restored = ChatSession.fromState({ ...session['ctx'] }, structuredClone(session.state));
    expect(seen(restored, a.userId)).toEqual([`card ${MASKED}`]);
  });

  it('masks agent messages, text notices, ESP-injected messages and rich-message texts; leaves commands alone', () => {
    const { session, customer: c } = startChat({ rules: pii('always') });
    const a = join(session, agent());
    const content = JSON.stringify({ id: 'q1', title: `pay with ${CARD}?`, options: [{ text: 'call 212-555-0123', payload: 'x' }] });
    const events = [
      ...session.message(a.userId, { text: `your card ${CARD}` }).events,
      ...session.notice(c.userId, { noticeType: 'USER_CUSTOM', text: `ssn 123-45-6789` }).events,
      ...session.externalMessage('Workflow', { text: `we have ${CARD}` }).events,
      ...session.message(a.userId, { text: 'Pick', eventAttributes: { 'structured-content': { 'genesys-chat': { content, type: 'QuickReplies' } } } }).events,
      ...session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Ann 2125550123' }).events,
    ];
    const said = events.filter((e) => e.kind === 'message' || e.kind === 'notice');
    expect(said.map((e) => (e as MessageEvent).text)).toEqual([`your card ${MASKED}`, 'ssn ***-**-****', `we have ${MASKED}`, 'Pick', 'Ann 2125550123']);
    const rich = getKv(said[3].eventAttributes, ['structured-content', 'genesys-chat', 'content']) as string;
    expect(JSON.parse(rich)).toEqual({ id: 'q1', title: `pay with ${MASKED}?`, options: [{ text: 'call ***-***-****', payload: 'x' }] });
    expect(cleanup(said[3])).toEqual({
      'rule-0001': { description: 'Credit card', id: 'GCTI_CreditCards', name: 'GCTI_CreditCards', positions: {} },
      'rule-0003': { description: 'Phone number using the North American Numbering Plan', id: 'GCTI_PhoneNANPA', name: 'GCTI_PhoneNANPA', positions: {} },
    });
  });

  it('adds pii-cleanup under GCTI_SYSTEM: rule id, name, description, positions and what was replaced', () => {
    const { session, customer: c } = startChat({ rules: pii('always') });
    const [e] = session.message(c.userId, { text: `card ${CARD} or 212-555-0123`, eventAttributes: { mine: 'kept' } }).events;
    expect(e.eventAttributes).toEqual({
      mine: 'kept',
      GCTI_SYSTEM: {
        'pii-cleanup': {
          'rule-0001': { description: 'Credit card', id: 'GCTI_CreditCards', name: 'GCTI_CreditCards', positions: { '5-23': { replaced: 'digits' } } },
          'rule-0003': {
            description: 'Phone number using the North American Numbering Plan',
            id: 'GCTI_PhoneNANPA',
            name: 'GCTI_PhoneNANPA',
            positions: { '28-39': { replaced: 'digits' } },
          },
        },
      },
    });
    // a message without PII gets nothing
    expect(session.message(c.userId, { text: 'order 12' }).events[0].eventAttributes).toBeUndefined();
  });

  it('the bot marker and pii-cleanup stand side by side', () => {
    const { session } = startChat({ rules: pii('always') });
    const b = join(session, bot());
    const [e] = session.message(b.userId, { text: `card ${CARD}` }).events;
    expect(getKv(e.eventAttributes, ['GCTI_SYSTEM', 'party-info', 'style'])).toBe('BOT');
    expect(cleanup(e)).toBeDefined();
  });

  it.each([
    ['all', 'card *******************'],
    ['digits', `card ${MASKED}`],
    ['digits:4', 'card **** **** **** 1111'],
  ])('default-spec %s', (spec, expected) => {
    const { session, customer: c } = startChat({ rules: pii('always', { spec }) });
    session.message(c.userId, { text: `card ${CARD}` });
    expect(kept(session)).toEqual([expected]);
  });

  it('rule order decides: a custom rule before the defaults takes what it finds first', () => {
    const rules = compilePiiRules(
      [{ id: 'acct', name: 'Account', description: 'account', regex: 'acct \\d+', spec: 'all', repchar: '#' }, ...DEFAULT_PII_RULES],
      {
        spec: 'digits',
        repchar: '*',
      },
    );
    const { session, customer: c } = startChat({ rules: { pii: { area: 'always', rules, unmaskLiveDialog: false } } });
    const [e] = session.message(c.userId, { text: 'acct 2125550123 and 212-555-0123' }).events;
    expect((e as MessageEvent).text).toBe('############### and ***-***-****');
    expect(Object.keys(cleanup(e) as KvList)).toEqual(['rule-0001', 'rule-0004']);
  });
});

describe('PII masking: unmask-live-dialog (always)', () => {
  it("the guide's 5-step example", () => {
    const { session, customer: c } = startChat({ rules: pii('always', { unmask: true }) });
    // 1. no agent yet: the customer's card is masked, for the customer too
    session.message(c.userId, { text: `1 ${CARD}` });
    expect(seen(session, c.userId)).toEqual([`1 ${MASKED}`]);
    // 2. an agent joins and sees the history masked
    const a1 = join(session, agent('A1'));
    expect(seen(session, a1.userId)).toEqual([`1 ${MASKED}`]);
    // 3. the customer sends it again: both see it
    const [third] = session.message(c.userId, { text: `3 ${CARD}` }).events;
    expect(session.viewFor(third, a1)).toMatchObject({ text: `3 ${CARD}` });
    expect(seen(session, a1.userId)).toEqual([`1 ${MASKED}`, `3 ${CARD}`]);
    expect(seen(session, c.userId)).toEqual([`1 ${MASKED}`, `3 ${CARD}`]);
    // 4. a second agent joins (conference): it sees every earlier one masked
    const a2 = join(session, agent('A2'));
    expect(seen(session, a2.userId)).toEqual([`1 ${MASKED}`, `3 ${MASKED}`]);
    // 5. again: both agents and the customer see it
    session.message(c.userId, { text: `5 ${CARD}` });
    expect(seen(session, a1.userId)).toEqual([`1 ${MASKED}`, `3 ${CARD}`, `5 ${CARD}`]);
    expect(seen(session, a2.userId)).toEqual([`1 ${MASKED}`, `3 ${MASKED}`, `5 ${CARD}`]);
    expect(seen(session, c.userId)).toEqual([`1 ${MASKED}`, `3 ${CARD}`, `5 ${CARD}`]);
    // what is kept (saved, published, the UCS transcript) has every card masked
    expect(kept(session)).toEqual([`1 ${MASKED}`, `3 ${MASKED}`, `5 ${MASKED}`]);
  });

  it('coaching and monitoring supervisors never see it clear, and they make nothing clear for the customer', () => {
    const { session, customer: c } = startChat({ rules: pii('always', { unmask: true }) });
    const coach = join(session, supervisor('Coach', 'INT'));
    const monitor = join(session, supervisor('Monitor', 'VIP'));
    session.message(c.userId, { text: `a ${CARD}` });
    expect(seen(session, c.userId)).toEqual([`a ${MASKED}`]);
    const a = join(session, agent());
    session.message(c.userId, { text: `b ${CARD}` });
    expect(seen(session, a.userId)).toEqual([`a ${MASKED}`, `b ${CARD}`]);
    expect(seen(session, coach.userId)).toEqual([`a ${MASKED}`, `b ${MASKED}`]);
    expect(seen(session, monitor.userId)).toEqual([`a ${MASKED}`, `b ${MASKED}`]);
    // a supervisor in the conference (visible to the customer) is an active agent
    const conf = join(session, supervisor('Conf', 'ALL'));
    session.message(c.userId, { text: `c ${CARD}` });
    expect(seen(session, conf.userId)).toEqual([`a ${MASKED}`, `b ${MASKED}`, `c ${CARD}`]);
  });

  it('a bot is not an active agent: it sees masked text and makes nothing clear', () => {
    const { session, customer: c } = startChat({ rules: pii('always', { unmask: true }) });
    const b = join(session, bot());
    session.message(c.userId, { text: `a ${CARD}` });
    expect(seen(session, b.userId)).toEqual([`a ${MASKED}`]);
    expect(seen(session, c.userId)).toEqual([`a ${MASKED}`]);
  });

  it('allow-bot-unmask: a bot visible to the customer is an active agent, sees clear what came after it joined, and makes it clear for the customer', () => {
    const { session, customer: c } = startChat({ rules: { pii: { ...pii('always', { unmask: true }).pii!, allowBotUnmask: true } } });
    session.message(c.userId, { text: `a ${CARD}` });
    const b = join(session, bot());
    session.message(c.userId, { text: `b ${CARD}` });
    expect(seen(session, b.userId)).toEqual([`a ${MASKED}`, `b ${CARD}`]);
    expect(seen(session, c.userId)).toEqual([`a ${MASKED}`, `b ${CARD}`]);
    expect(kept(session)).toEqual([`a ${MASKED}`, `b ${MASKED}`]);
  });

  it("only the customer's messages are unmasked; without unmask-live-dialog nothing is", () => {
    const { session } = startChat({ rules: pii('always', { unmask: true }) });
    const a = join(session, agent());
    session.message(a.userId, { text: `agent ${CARD}` });
    expect(seen(session, a.userId)).toEqual([`agent ${MASKED}`]);
    const plain = startChat({ rules: pii('always') });
    const a2 = join(plain.session, agent());
    plain.session.message(plain.customer.userId, { text: `x ${CARD}` });
    expect(seen(plain.session, a2.userId)).toEqual([`x ${MASKED}`]);
  });
});

describe('typing preview', () => {
  it('typing-preview: every digit of a typing preview is masked, whatever apply-area says', () => {
    const { session, customer: c } = startChat({ rules: { typingPreviewMask: '#' } });
    const [e] = session.notice(c.userId, { noticeType: 'TYPING_STARTED', text: 'my card 4111 11' }).events;
    expect((e as MessageEvent).text).toBe('my card #### ##');
    const [m] = session.message(c.userId, { text: `card ${CARD}` }).events;
    expect((m as MessageEvent).text).toBe(`card ${CARD}`);
  });

  it('without it, a typing preview is kept as typed (also with masking on: it is no message)', () => {
    const { session, customer: c } = startChat({ rules: pii('always') });
    const [e] = session.notice(c.userId, { noticeType: 'TYPING_STARTED', text: 'my card 4111 11' }).events;
    expect((e as MessageEvent).text).toBe('my card 4111 11');
  });
});

describe("PII masking: rules of the session's tenant (apply-config ucs or mix)", () => {
  const orders = compilePiiRules([{ id: 'U-1', name: 'Orders', regex: 'ORD-\\d{4}', spec: 'all' }], { spec: 'digits', repchar: '#' });
  const fallback = compilePiiRules(DEFAULT_PII_RULES, { spec: 'digits', repchar: '*' });
  const rules: Partial<SessionRules> = {
    pii: { area: 'always', rules: fallback, unmaskLiveDialog: false, tenantRules: (tenant) => (tenant === 101 ? orders : undefined) },
  };

  function chatOf(tenantDbid: number): ChatSession {
    const { session, customer: c } = startChat({ rules });
    session.state.service = { name: 'chat', tenantDbid, endpoint: 'default' };
    session.message(c.userId, { text: `ORD-1234 card ${CARD}` });
    return session;
  }

  it('a tenant with a rule set of its own is masked by those rules only', () => {
    const session = chatOf(101);
    expect(kept(session)).toEqual([`######## card ${CARD}`]);
    expect(getKv(session.state.transcript.at(-1)?.eventAttributes, ['GCTI_SYSTEM', 'pii-cleanup', 'rule-0001', 'id'])).toBe('U-1');
  });

  it('a tenant without one is masked by the fallback rules', () => {
    expect(kept(chatOf(102))).toEqual([`ORD-1234 card ${MASKED}`]);
  });
});
