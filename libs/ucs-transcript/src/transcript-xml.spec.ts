import { ChatSession, DEFAULT_RULES, type JoinRequest, type KvList } from '@ocs/chat-domain';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { toChatTranscriptXml, type SaveNotices } from './transcript-xml';

/** 10:00:00.400, so a whole-second `startAt` and `timeShift` must round down. */
const START = Date.UTC(2026, 0, 1, 10, 0, 0, 400);

function start(creator: JoinRequest, id = '005PAaH11EN8Q828') {
  const clock = new ManualClock(START);
  const { session, creator: customer } = ChatSession.create({ clock, ids: new SequentialIds(), rules: DEFAULT_RULES }, { id, creator });
  return { clock, session, customer };
}

const john: JoinRequest = {
  userType: 'CLIENT',
  nickname: 'John',
  protocol: 'FLEX',
  clientVersion: 106,
  timeZoneOffset: 300,
  userData: { FirstName: 'John', MediaType: 'chat' },
};

describe('toChatTranscriptXml', () => {
  it('writes a small chat exactly as Chat Server does', () => {
    const { clock, session, customer } = start(john);
    clock.advance(600);
    session.message(customer.userId, { text: 'hello & <bye>', messageType: 'text' });
    clock.advance(2000);
    session.leave(customer.userId, 'KEEP_ALIVE');
    expect(toChatTranscriptXml(session.state)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<chatTranscript startAt="2026-01-01T10:00:00Z" sessionId="005PAaH11EN8Q828">',
        '<newParty userId="00000000000000A1" timeShift="0" visibility="ALL" eventId="1">',
        '<userInfo personId="" userNick="John" userType="CLIENT" protocolType="FLEX" timeZoneOffset="300" clientVersion="106" />',
        '<userData>',
        '<item key="FirstName" type="string">John</item>',
        '<item key="MediaType" type="string">chat</item>',
        '</userData>',
        '</newParty>',
        '<message userId="00000000000000A1" timeShift="1" visibility="ALL" eventId="2">',
        '<msgText msgType="text">hello &amp; &lt;bye&gt;</msgText>',
        '</message>',
        '<partyLeft userId="00000000000000A1" timeShift="3" visibility="ALL" eventId="3" askerId="00000000000000A1">',
        '<reason>left</reason>',
        '<eventAttributes>',
        '<item key="GCTI_SYSTEM" type="kvlist">',
        '<item key="quit-reason-code" type="string">0</item>',
        '</item>',
        '</eventAttributes>',
        '</partyLeft>',
        '</chatTranscript>',
      ].join('\n'),
    );
  });

  it('escapes markup, drops what XML 1.0 cannot carry and keeps Unicode as is', () => {
    // The domain strips control characters from one-line names (tabs included) before they reach the transcript.
    const { session, customer } = start({ ...john, nickname: `Ann "A'" <x>\tנ`, userData: undefined });
    session.message(customer.userId, { text: 'nul\u0000 bell\u0007 lone\uD800 ok\tline\r\nnext 👋🏽 مرحبا' });
    const xml = toChatTranscriptXml(session.state);
    expect(xml).toContain('userNick="Ann &quot;A&apos;&quot; &lt;x&gt;נ"');
    expect(xml).toContain('<msgText>nul bell lone ok\tline&#13;\nnext 👋🏽 مرحبا</msgText>');
  });

  describe('a chat with a bot, an agent and every kind of event', () => {
    function bigChat() {
      const { clock, session, customer } = start(
        { ...john, nickname: 'Ann 😀', timeZoneOffset: -60, userData: { EmailAddress: 'ann@example.com', Subject: 'Return <order> & "refund"' } },
        'S-big',
      );
      const agentSide = (nickname: string, extra: Partial<JoinRequest> = {}): JoinRequest => ({
        userType: 'AGENT',
        nickname,
        protocol: 'BASIC',
        clientVersion: 105,
        ...extra,
      });
      clock.advance(700);
      const bot = session.join(agentSide('Botty', { userData: { GCTI_Chat_SetPartyStyle: 'BOT' } })).participant;
      session.message(bot.userId, { text: 'Hello! How can I help? 🤖' });
      clock.advance(2000);
      session.notice(customer.userId, { noticeType: 'TYPING_STARTED' });
      session.message(customer.userId, { text: 'I want <&> "a refund" — مرحبا 👋🏽', messageType: 'text' });
      session.message(customer.userId, {
        text: 'Pick one',
        eventAttributes: {
          'structured-content': { 'genesys-chat': { type: 'quick-replies', content: '{"options":["A","B"]}' } },
          'general-properties': { 'related-event-id': '3' },
        },
      });
      clock.advance(1000);
      session.leave(bot.userId, 'KEEP_ALIVE');
      clock.advance(10_000);
      const agent = session.join(agentSide('Bob', { personId: 'bob.k', timeZoneOffset: 60, userData: { GWS_USERID: 'a2cf' } })).participant;
      session.notice(agent.userId, { noticeType: 'PUSH_URL', text: 'https://example.com/returns?a=1&b=2' });
      session.message(agent.userId, { text: 'Only you see this', receiverId: customer.userId });
      session.notice(customer.userId, { noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': '10' } });
      session.notice(customer.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Annie' });
      session.notice(agent.userId, {
        noticeType: 'SYS_COMMAND',
        text: 'file-uploaded',
        userData: { 'file-name': 'label.pdf', 'file-size': '1024', 'file-source': 'ucs', 'file-document-id': '0123456789ABCDEF' },
      });
      session.message(agent.userId, { text: 'Here is your label' });
      session.notice(agent.userId, { noticeType: 'USER_CUSTOM', text: 'survey=on' });
      clock.advance(50_000);
      return { session, customer, bot, agent, close: () => session.leave(agent.userId, 'FORCE_CLOSE') };
    }

    function parsed(xml: string): XmlNode {
      expect(XMLValidator.validate(xml)).toBe(true);
      const root = tree(parser.parse(xml) as OrderedNode[]);
      expect(root.map((n) => n.name)).toEqual(['chatTranscript']);
      return root[0];
    }

    const eventIds = (xml: string) => parsed(xml).children.map((e) => Number(e.attributes.eventId));

    it('is well-formed XML with the values of every event', () => {
      const { customer, bot, agent, close, session } = bigChat();
      close();
      const transcript = parsed(toChatTranscriptXml(session.state));
      expect(transcript.attributes).toEqual({ startAt: '2026-01-01T10:00:00Z', sessionId: 'S-big' });
      const events = transcript.children;
      const byId = (id: number) => {
        const found = events.find((e) => e.attributes.eventId === String(id));
        if (!found) throw new Error(`no event ${id}`);
        return found;
      };

      expect(events.map((e) => [e.name, e.attributes.eventId, e.attributes.timeShift])).toEqual([
        ['newParty', '1', '0'],
        ['newParty', '2', '1'],
        ['message', '3', '1'],
        ['message', '5', '3'],
        ['message', '6', '3'],
        ['partyLeft', '7', '4'],
        ['newParty', '8', '14'],
        ['notice', '9', '14'],
        ['message', '10', '14'],
        ['notice', '13', '14'],
        ['message', '14', '14'],
        ['notice', '15', '14'],
        ['partyLeft', '16', '64'],
        ['partyLeft', '17', '64'],
      ]);

      const [customerJoined, botJoined] = events;
      expect(child(customerJoined, 'userInfo').attributes).toEqual({
        personId: '',
        userNick: 'Ann 😀',
        userType: 'CLIENT',
        protocolType: 'FLEX',
        timeZoneOffset: '-60',
        clientVersion: '106',
      });
      expect(kv(child(customerJoined, 'userData'))).toEqual({
        EmailAddress: 'ann@example.com',
        Subject: 'Return <order> & "refund"',
        GCTI_Original_Nickname: 'Ann 😀',
      });
      expect(botJoined.attributes.userId).toBe(bot.userId);
      expect(kv(child(botJoined, 'userData'))).toEqual({ GCTI_Chat_SetPartyStyle: 'BOT', GCTI_Chat_PartyStyle: 'BOT' });
      expect(kv(child(botJoined, 'eventAttributes'))).toEqual({ GCTI_SYSTEM: { 'party-info': { style: 'BOT' } } });
      expect(child(byId(3), 'msgText').text).toBe('Hello! How can I help? 🤖');

      expect(child(byId(5), 'msgText')).toMatchObject({ attributes: { msgType: 'text' }, text: 'I want <&> "a refund" — مرحبا 👋🏽' });
      expect(kv(child(byId(6), 'eventAttributes'))).toEqual({
        'structured-content': { 'genesys-chat': { type: 'quick-replies', content: '{"options":["A","B"]}' } },
        'general-properties': { 'related-event-id': '3' },
      });
      expect(child(byId(7), 'reason')).toEqual({ name: 'reason', attributes: {}, text: 'left', children: [] });
      expect(byId(7).attributes.askerId).toBe(bot.userId);

      expect(child(byId(8), 'userInfo').attributes).toMatchObject({
        personId: 'bob.k',
        userNick: 'Bob',
        userType: 'AGENT',
        protocolType: 'BASIC',
        timeZoneOffset: '60',
      });
      expect(child(byId(9), 'noticeText')).toMatchObject({ attributes: { noticeType: 'PUSH_URL' }, text: 'https://example.com/returns?a=1&b=2' });
      expect(byId(10).attributes).toMatchObject({ userId: agent.userId, receiverId: customer.userId });
      expect(byId(9).attributes.receiverId).toBeUndefined();
      expect(child(byId(13), 'noticeText')).toMatchObject({ attributes: { noticeType: 'SYS_COMMAND' }, text: 'file-uploaded' });
      expect(kv(child(byId(13), 'userData'))).toMatchObject({ 'file-document-id': '0123456789ABCDEF', 'file-id': '1' });

      expect(byId(16).attributes.askerId).toBe(agent.userId);
      expect(child(byId(16), 'reason')).toMatchObject({ attributes: { code: '2' }, text: 'left with request to close forcedly' });
      expect(byId(17).attributes).toMatchObject({ userId: customer.userId, askerId: agent.userId });
      expect(child(byId(17), 'reason')).toMatchObject({ attributes: { code: '4' }, text: 'removed by other party' });
    });

    it.each<[SaveNotices | undefined, number[]]>([
      [undefined, [1, 2, 3, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17]],
      ['major', [1, 2, 3, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17]],
      ['none', [1, 2, 3, 5, 6, 7, 8, 10, 14, 16, 17]],
      ['all', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17]],
    ])('keeps the notices saveNotices=%s asks for in the final transcript', (saveNotices, expected) => {
      const { close, session } = bigChat();
      close();
      expect(eventIds(toChatTranscriptXml(session.state, { saveNotices }))).toEqual(expected);
    });

    it('keeps a read confirmation only with saveNotices=all, and only while it is not annihilated', () => {
      const { session, customer } = bigChat();
      expect(eventIds(toChatTranscriptXml(session.state, { saveNotices: 'all' }))).toContain(11);
      expect(eventIds(toChatTranscriptXml(session.state))).not.toContain(11);
      session.notice(customer.userId, { noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': '15' } });
      expect(eventIds(toChatTranscriptXml(session.state, { saveNotices: 'all' })).filter((id) => id >= 11)).toEqual([12, 13, 14, 15, 16]);
    });

    it('leaves out the client version of workflow (ESP) parties', () => {
      const { session } = bigChat();
      session.join({ userType: 'EXTERNAL', nickname: 'system', protocol: 'ESP', clientVersion: 106 });
      const events = parsed(toChatTranscriptXml(session.state)).children;
      const joined = events.filter((e) => e.name === 'newParty').map((e) => child(e, 'userInfo').attributes);
      expect(joined.find((userInfo) => userInfo.protocolType === 'ESP')).toEqual({
        personId: '',
        userNick: 'system',
        userType: 'EXTERNAL',
        protocolType: 'ESP',
        timeZoneOffset: '0',
      });
    });
  });
});

/** fast-xml-parser's document order form: one key per node (the name or `#text`), attributes under `:@`. */
type OrderedNode = Record<string, unknown>;

interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlNode[];
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
});

function tree(nodes: OrderedNode[]): XmlNode[] {
  return nodes.flatMap((node) => {
    const name = Object.keys(node).find((key) => key !== ':@') ?? '';
    if (name === '#text' || name === '?xml') return [];
    const body = node[name] as OrderedNode[];
    const text = body.map((b) => (typeof b['#text'] === 'string' ? b['#text'] : '')).join('');
    return [{ name, attributes: (node[':@'] ?? {}) as Record<string, string>, text, children: tree(body) }];
  });
}

function child(node: XmlNode, name: string): XmlNode {
  const found = node.children.find((c) => c.name === name);
  if (!found) throw new Error(`no <${name}> in <${node.name} eventId="${node.attributes.eventId}">`);
  return found;
}

/** The items of a `userData` or `eventAttributes` element as a KV list, checking their `type`. */
function kv(node: XmlNode): KvList {
  const list: KvList = {};
  for (const item of node.children) {
    const { key, type } = item.attributes;
    if (type !== 'string' && type !== 'kvlist') throw new Error(`item ${key} has type ${type}`);
    list[key] = type === 'kvlist' ? kv(item) : item.text;
  }
  return list;
}
