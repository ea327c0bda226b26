import type { INestApplication } from '@nestjs/common';
import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { ChatError, DEFAULT_RULES, type MessageEvent, type NoticeEvent } from '@ocs/chat-domain';
import { ChatEngine, type Actor } from '@ocs/chat-engine';
import { bootstrapApp, createLogger, type Logger } from '@ocs/observability';
import { CryptoIds, systemClock } from '@ocs/ports';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from './esp-gateway.module';
import { TOPICS, type SessionEventRecord } from '@ocs/contracts';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const RICH_CONTENT = JSON.stringify({
  type: 'Message',
  contentType: 'quick-replies',
  content: [{ id: 1, type: 'quick-reply', action: 'message', text: 'Black' }],
});

let app: INestApplication;
let url: string;
let engine: ChatEngine;
let logger: Logger;
const bus = new MemoryEventBus();
const published: SessionEventRecord[] = [];
let interactions = 0;

beforeAll(async () => {
  const languages = [
    { name: 'German', language: 'de', useAsDefault: false, messages: {} },
    { name: 'Deutsch', language: 'de', country: 'AT', useAsDefault: false, messages: {} },
  ];
  const rules = { ...DEFAULT_RULES, messageMaxSize: 100, languages };
  engine = new ChatEngine({ clock: systemClock, ids: new CryptoIds(), rules, store: new MemoryTranscriptStore(), bus });
  await bus.subscribe(TOPICS.sessionEvents, 'esp-gateway-spec', (record) => void published.push(record.value as SessionEventRecord));
  logger = createLogger({ service: ESP_GATEWAY_SERVICE, level: 'silent' });
  ({ app, url } = await bootstrapApp(EspGatewayModule.forRoot({ engine }), { service: ESP_GATEWAY_SERVICE, host: '127.0.0.1', port: 0, logger }));
});

afterEach(() => jest.restoreAllMocks());

afterAll(async () => {
  await app.close();
});

interface Reply {
  status: number;
  body: { Event: string; Parameters?: Record<string, unknown>; FaultCode?: number; FaultString?: string };
}

async function post(body: string, contentType = 'application/json'): Promise<Reply> {
  const response = await fetch(`${url}/esp`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json()) as Reply['body'] };
}

/** An ESP request of service Chat; `envelope` adds to or overrides the request's fields. */
function esp(method: string, parameters: Record<string, unknown>, envelope: Record<string, unknown> = {}): Promise<Reply> {
  return post(JSON.stringify({ Service: 'Chat', Method: method, Parameters: parameters, UserData: {}, ...envelope }));
}

/** A customer's session bound to a new interaction, as routing leaves it for the workflow. */
async function chat(mode: 'async' | 'sync' = 'sync') {
  const interactionId = `IXN${(interactions += 1)}`;
  const { party } = await engine.createSession({
    creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 },
    ...(mode === 'async' ? { userData: { GCTI_Chat_AsyncMode: 'true' } } : {}),
  });
  const { sessionId } = party;
  await engine.bindInteraction(sessionId, interactionId);
  const customer: Actor = { sessionId, userId: party.userId, secureKey: party.secureKey };
  return {
    interactionId,
    sessionId,
    customer,
    /** Every event of the session, whoever may see it. */
    length: async () => (await engine.sessionInfo(sessionId)).nextPosition,
    agent: async () => {
      const joined = await engine.join(sessionId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 });
      return { sessionId, userId: joined.party.userId, secureKey: joined.party.secureKey } satisfies Actor;
    },
  };
}

function expectFault(reply: Reply, httpStatus: number, faultCode: number, names: RegExp): void {
  expect(reply).toMatchObject({ status: httpStatus, body: { Event: 'Event3rdServerFault', FaultCode: faultCode } });
  expect(Object.keys(reply.body).sort()).toEqual(['Event', 'FaultCode', 'FaultString']);
  expect(reply.body.FaultString).toMatch(names);
}

describe('esp-gateway over HTTP', () => {
  it('answers GET /health/live', async () => {
    const response = await fetch(`${url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'esp-gateway' });
  });

  describe('Message', () => {
    it('posts as the EXTERNAL party "system" by default, visible to all, and answers OccuredAt and ScriptPos', async () => {
      const { interactionId, customer } = await chat();
      const reply = await esp('Message', { InteractionId: interactionId, MessageText: 'An agent will be with you shortly.' });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ Event: 'Event3rdServerResponse', Parameters: { OccuredAt: expect.stringMatching(ISO_UTC), ScriptPos: 2 } });
      const seen = (await engine.read(customer, 0)).events;
      expect(seen.map((e) => [e.event.kind, e.from.nickname, e.from.userType])).toEqual([
        ['newParty', 'Ann', 'CLIENT'],
        ['newParty', 'system', 'EXTERNAL'],
        ['message', 'system', 'EXTERNAL'],
      ]);
      const message = seen[2].event as MessageEvent;
      expect(message).toMatchObject({ text: 'An agent will be with you shortly.', visibility: 'ALL', position: reply.body.Parameters?.ScriptPos });
      expect(reply.body.Parameters?.OccuredAt).toBe(new Date(message.at).toISOString());
    });

    it('takes Nickname and MessageType; an INT message reaches agents, not the customer', async () => {
      const { interactionId, customer, agent } = await chat();
      const bob = await agent();
      const reply = await esp('Message', {
        InteractionId: interactionId,
        MessageText: 'VIP customer',
        Nickname: 'Router',
        MessageType: 'hint',
        Visibility: 'INT',
      });
      expect(reply.body.Parameters).toMatchObject({ ScriptPos: 3 });
      const forBob = (await engine.read(bob, 0)).events.at(-1);
      expect(forBob).toMatchObject({
        event: { kind: 'message', text: 'VIP customer', messageType: 'hint', visibility: 'INT', position: 3 },
        from: { nickname: 'Router', userType: 'EXTERNAL' },
      });
      expect((await engine.read(customer, 0)).events.some((e) => e.event.kind === 'message')).toBe(false);
    });

    it('carries EventAttributes in the JSON-like format, a rich message body kept as a string', async () => {
      const { interactionId, customer } = await chat();
      const attributes = JSON.stringify({ 'structured-content': { 'genesys-chat': { content: RICH_CONTENT, type: 'Generic' } } });
      const reply = await esp('Message', { InteractionId: interactionId, MessageText: 'Pick a color', EventAttributes: attributes });
      expect(reply.status).toBe(200);
      const message = (await engine.read(customer, 0)).events.at(-1)?.event;
      expect(message?.eventAttributes).toEqual({ 'structured-content': { 'genesys-chat': { content: RICH_CONTENT, type: 'Generic' } } });
    });

    it('carries EventAttributes in the list-like format, and a nested list given as an object', async () => {
      const { interactionId, customer } = await chat();
      await esp('Message', { InteractionId: interactionId, MessageText: 'one', EventAttributes: 'key1 : value1 | key3.subkey1 : subvalue1' });
      await esp('Message', { InteractionId: interactionId, MessageText: 'two', EventAttributes: { key3: { subkey1: 'subvalue1' } } });
      const messages = (await engine.read(customer, 0)).events.filter((e) => e.event.kind === 'message').map((e) => e.event.eventAttributes);
      expect(messages).toEqual([{ key1: 'value1', key3: { subkey1: 'subvalue1' } }, { key3: { subkey1: 'subvalue1' } }]);
    });

    it('finds the session by the InteractionId of UserData; an explicit parameter overrides it', async () => {
      const first = await chat();
      const second = await chat();
      const fromUserData = await esp('Message', { MessageText: 'hello' }, { UserData: { InteractionId: first.interactionId, Subject: 'billing' } });
      expect(fromUserData.status).toBe(200);
      expect(await first.length()).toBe(3);
      await esp('Message', { InteractionId: second.interactionId, MessageText: 'hello' }, { UserData: { InteractionId: first.interactionId } });
      expect(await second.length()).toBe(3);
      expect(await first.length()).toBe(3);
    });

    it('reads a number as its text', async () => {
      const { interactionId, customer } = await chat();
      expect((await esp('Message', { InteractionId: interactionId, MessageText: 42 })).status).toBe(200);
      expect((await engine.read(customer, 0)).events.at(-1)?.event).toMatchObject({ kind: 'message', text: '42' });
    });
  });

  describe('Notice', () => {
    it('pushes a URL (USER_PUSHED_URL) and answers OccuredAt and ScriptPos', async () => {
      const { interactionId, customer } = await chat();
      const reply = await esp('Notice', { InteractionId: interactionId, NoticeType: 'USER_PUSHED_URL', NoticeText: 'https://shop.example/help' });
      expect(reply.body).toEqual({ Event: 'Event3rdServerResponse', Parameters: { OccuredAt: expect.stringMatching(ISO_UTC), ScriptPos: 2 } });
      const notice = (await engine.read(customer, 0)).events.at(-1);
      expect(notice).toMatchObject({
        event: { kind: 'notice', noticeType: 'PUSH_URL', text: 'https://shop.example/help', position: 2 },
        from: { nickname: 'system', userType: 'EXTERNAL' },
      });
    });

    it('sends a USER_CUSTOM notice with attributes; VIP visibility hides it from agents and the customer', async () => {
      const { interactionId, customer, agent } = await chat();
      const bob = await agent();
      await esp('Notice', { InteractionId: interactionId, NoticeType: 'USER_CUSTOM', Nickname: 'Survey', EventAttributes: 'survey.id:17' });
      const custom = (await engine.read(customer, 0)).events.at(-1)?.event as NoticeEvent;
      expect(custom).toMatchObject({ noticeType: 'USER_CUSTOM', text: '', nickname: 'Survey', eventAttributes: { survey: { id: '17' } } });
      await esp('Notice', { InteractionId: interactionId, NoticeType: 'USER_CUSTOM', NoticeText: 'for supervisors', Visibility: 'VIP' });
      const seenByBob = (await engine.read(bob, 0)).events.map((e) => e.event.text);
      expect(seenByBob).not.toContain('for supervisors');
      expect((await engine.read(customer, 0)).events.map((e) => e.event.text)).not.toContain('for supervisors');
    });
  });

  describe('PlaceOnHold', () => {
    it('puts an async session on hold (GCTI_Chat_AsyncStatus -2)', async () => {
      const { interactionId, sessionId } = await chat('async');
      const reply = await esp('PlaceOnHold', { InteractionId: interactionId });
      expect(reply.body).toEqual({ Event: 'Event3rdServerResponse', Parameters: { OccuredAt: expect.stringMatching(ISO_UTC) } });
      await bus.idle();
      expect(published).toContainEqual(
        expect.objectContaining({ type: 'properties', sessionId, properties: expect.objectContaining({ GCTI_Chat_AsyncStatus: '-2' }) }),
      );
    });

    it('refuses a session that is not async (409, fault 5)', async () => {
      const { interactionId, length } = await chat();
      const before = await length();
      expectFault(await esp('PlaceOnHold', { InteractionId: interactionId }), 409, 5, /not an async session/);
      expect(await length()).toBe(before);
    });
  });

  describe('CloseSession', () => {
    it('closes the session (IsClosed 1); later requests are refused as closed (409, fault 4)', async () => {
      const { interactionId, customer } = await chat();
      const reply = await esp('CloseSession', { InteractionId: interactionId });
      expect(reply.body).toEqual({ Event: 'Event3rdServerResponse', Parameters: { OccuredAt: expect.stringMatching(ISO_UTC), IsClosed: 1 } });
      expect((await engine.read(customer, 0)).closed).toBe(true);
      expectFault(await esp('Message', { InteractionId: interactionId, MessageText: 'too late' }), 409, 4, /is closed/);
      expectFault(await esp('CloseSession', { InteractionId: interactionId }), 409, 4, /is closed/);
    });

    it('with CloseIfNoAgents keeps a session with an agent open (IsClosed 0)', async () => {
      const { interactionId, customer, agent } = await chat();
      await agent();
      const reply = await esp('CloseSession', { InteractionId: interactionId, CloseIfNoAgents: 'true' });
      expect(reply.body.Parameters).toMatchObject({ IsClosed: 0 });
      expect((await engine.read(customer, 0)).closed).toBe(false);
    });

    it('takes only "true" as true: CloseIfNoAgents "TRUE" closes even with an agent present', async () => {
      const { interactionId, agent } = await chat();
      await agent();
      expect((await esp('CloseSession', { InteractionId: interactionId, CloseIfNoAgents: 'TRUE' })).body.Parameters).toMatchObject({ IsClosed: 1 });
    });

    it('with Purge forgets the session: later requests do not find it (404, fault 3)', async () => {
      const { interactionId, sessionId } = await chat();
      expect((await esp('CloseSession', { InteractionId: interactionId, Purge: 'true' })).body.Parameters).toMatchObject({ IsClosed: 1 });
      await expect(engine.sessionInfo(sessionId)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
      expectFault(await esp('GetSessionInfo', { InteractionId: interactionId }), 404, 3, new RegExp(`no chat session for interaction "${interactionId}"`));
    });

    it('purges a closed session too', async () => {
      const { interactionId, sessionId } = await chat();
      await esp('CloseSession', { InteractionId: interactionId });
      expect((await esp('CloseSession', { InteractionId: interactionId, Purge: 'true' })).status).toBe(200);
      await expect(engine.sessionInfo(sessionId)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    });
  });

  describe('GetSessionInfo', () => {
    it('answers CreatedAt and IsRestored; InduceRestore is accepted', async () => {
      const { interactionId, sessionId, length } = await chat();
      const { createdAt } = await engine.sessionInfo(sessionId);
      const before = await length();
      for (const parameters of [{ InteractionId: interactionId }, { InteractionId: interactionId, InduceRestore: 'true' }]) {
        const reply = await esp('GetSessionInfo', parameters);
        expect(reply.body).toEqual({
          Event: 'Event3rdServerResponse',
          Parameters: { OccuredAt: expect.stringMatching(ISO_UTC), SessionInfo: { CreatedAt: new Date(createdAt).toISOString(), IsRestored: '0' } },
        });
      }
      expect(await length()).toBe(before);
    });
  });

  describe('IdleControlConfigure', () => {
    it('passes the checked parameters on (timeouts as whole numbers)', async () => {
      const { interactionId, sessionId } = await chat();
      const configure = jest.spyOn(engine, 'configureIdleControl');
      const parameters = {
        'reset-parameters': 'true',
        enabled: 'false',
        'include-notices': 'major2',
        'message-alert': 'Still there?',
        'timeout-alert': '060',
        'timeout-close': 86_400,
        Unrelated: 'x',
      };
      const reply = await esp('IdleControlConfigure', { InteractionId: interactionId, ...parameters });
      expect(reply.body).toEqual({ Event: 'Event3rdServerResponse', Parameters: { OccuredAt: expect.stringMatching(ISO_UTC) } });
      expect(configure).toHaveBeenCalledWith(sessionId, {
        'reset-parameters': 'true',
        enabled: 'false',
        'include-notices': 'major2',
        'message-alert': 'Still there?',
        'timeout-alert': '60',
        'timeout-close': '86400',
      });
    });

    it.each([
      [{}, /at least one of reset-parameters, enabled, include-notices, .*timeout-close is needed/],
      [{ enabled: 'yes' }, /enabled "yes" is not valid; expected true, false/],
      [{ 'reset-parameters': 'TRUE' }, /reset-parameters "TRUE" is not valid/],
      [{ 'timeout-alert': '0' }, /timeout-alert "0" is not valid; expected a whole number from 1 to 86400/],
      [{ 'timeout-alert': '-5' }, /timeout-alert "-5" is not valid; expected a whole number from 1 to 86400/],
      [{ 'timeout-alert2': '-1' }, /timeout-alert2 "-1" is not valid; expected a whole number from 0 to 86400/],
      [{ 'timeout-alert2': '86401' }, /timeout-alert2 "86401" is not valid/],
      [{ 'timeout-close': '1.5' }, /timeout-close "1.5" is not valid/],
      [{ 'include-notices': 'some' }, /include-notices "some" is not valid; expected none, major, major2, typing, all/],
      [{ 'message-close': { text: 'x' } }, /message-close must be a string/],
      [{ enabled: 'true', 'timeout-close': 'soon' }, /timeout-close "soon" is not valid/],
    ])('refuses %j (400, fault 2) and changes nothing', async (parameters, names) => {
      const { interactionId } = await chat();
      const configure = jest.spyOn(engine, 'configureIdleControl');
      expectFault(await esp('IdleControlConfigure', { InteractionId: interactionId, ...parameters }), 400, 2, names);
      expect(configure).not.toHaveBeenCalled();
    });
  });

  describe('ConfigureSession', () => {
    it('resets async idle timing with async-idle-reset 1 and sets the language', async () => {
      const { interactionId, sessionId } = await chat('async');
      const configure = jest.spyOn(engine, 'configureSession');
      const reply = await esp('ConfigureSession', { InteractionId: interactionId, 'async-idle-reset': '1', GCTI_LanguageCode: 'de-DE' });
      expect(reply.body).toEqual({ Event: 'Event3rdServerResponse', Parameters: { OccuredAt: expect.stringMatching(ISO_UTC) } });
      expect(configure).toHaveBeenCalledWith(sessionId, { asyncIdleReset: true, languageCode: 'de-DE' });
      expect(engine['parts'].registry.get(sessionId)?.state.language).toBe('German');
      await esp('ConfigureSession', { InteractionId: interactionId, 'async-idle-reset': 'true', GCTI_LanguageName: 'Deutsch' });
      expect(configure).toHaveBeenLastCalledWith(sessionId, { asyncIdleReset: false, languageName: 'Deutsch' });
      expect(engine['parts'].registry.get(sessionId)?.state.language).toBe('Deutsch');
    });

    it.each([
      [{ GCTI_LanguageName: 'Klingon' }, /GCTI_LanguageName: no language named "Klingon" is configured/],
      [{ GCTI_LanguageCode: 'de-' }, /GCTI_LanguageCode: "de-" is not a language code/],
      [{ GCTI_LanguageCode: 'fr-FR' }, /GCTI_LanguageCode: no configured language matches "fr-FR"/],
    ])('refuses %j (400) naming the parameter; the language stays', async (parameters, names) => {
      const { interactionId, sessionId } = await chat();
      await esp('ConfigureSession', { InteractionId: interactionId, GCTI_LanguageName: 'German' });
      const reply = await esp('ConfigureSession', { InteractionId: interactionId, ...parameters });
      expect(reply.status).toBe(400);
      expect(reply.body.FaultString).toMatch(names);
      expect(engine['parts'].registry.get(sessionId)?.state.language).toBe('German');
    });

    it('refuses a request without any of its parameters (400, fault 2)', async () => {
      const { interactionId } = await chat();
      const configure = jest.spyOn(engine, 'configureSession');
      expectFault(
        await esp('ConfigureSession', { InteractionId: interactionId, Language: 'German' }),
        400,
        2,
        /at least one of async-idle-reset, GCTI_LanguageCode, GCTI_LanguageName/,
      );
      expect(configure).not.toHaveBeenCalled();
    });
  });

  describe('faults: named, and nothing in the session changes', () => {
    it.each(['STORAGE_UNAVAILABLE', 'NOT_OWNER', 'LIMIT_REACHED'] as const)('%s from the engine is fault 7 with HTTP 503: try again', async (code) => {
      const { interactionId } = await chat();
      const refused = jest.spyOn(engine, 'externalMessage').mockRejectedValueOnce(new ChatError(code, 'the session cannot be served now; try again'));
      expectFault(await esp('Message', { InteractionId: interactionId, MessageText: 'hi' }), 503, 7, /cannot be served now; try again/);
      refused.mockRestore();
    });

    it.each<[string, Record<string, unknown>, number, number, RegExp]>([
      ['an unknown service', { Service: 'Chats', Method: 'Message' }, 400, 1, /unknown service "Chats"; expected Chat/],
      ['a missing service', { Service: undefined, Method: 'Message' }, 400, 1, /unknown service \(missing\)/],
      ['an unknown method', { Method: 'Transfer' }, 400, 1, /unknown method "Transfer" of service Chat; expected one of Message, Notice, PlaceOnHold/],
      ['a method inherited from Object', { Method: 'constructor' }, 400, 1, /unknown method "constructor"/],
      ['a missing InteractionId', { Parameters: { MessageText: 'hi' } }, 400, 2, /InteractionId is missing/],
      ['an InteractionId that is not text', { Parameters: { InteractionId: ['IXN1'], MessageText: 'hi' } }, 400, 2, /InteractionId must be a string/],
      ['an unknown interaction', { Parameters: { InteractionId: 'NO-SUCH-IXN', MessageText: 'hi' } }, 404, 3, /no chat session for interaction "NO-SUCH-IXN"/],
      ['Parameters that are not a list', { Parameters: 'InteractionId=IXN1' }, 400, 6, /Parameters must be a key-value list/],
      ['UserData that is not a list', { UserData: ['x'] }, 400, 6, /UserData must be a key-value list/],
    ])('%s', async (_, envelope, httpStatus, faultCode, names) => {
      const { interactionId, length } = await chat();
      const before = await length();
      expectFault(await esp('Message', { InteractionId: interactionId, MessageText: 'hi' }, envelope), httpStatus, faultCode, names);
      expect(await length()).toBe(before);
    });

    it.each<[string, string, Record<string, unknown>, RegExp]>([
      ['a missing MessageText', 'Message', {}, /MessageText is missing; it is mandatory/],
      ['an empty MessageText', 'Message', { MessageText: ' ' }, /MessageText is missing/],
      ['a MessageText that is not text', 'Message', { MessageText: true }, /MessageText must be a string/],
      ['an unknown Visibility', 'Message', { MessageText: 'hi', Visibility: 'SECRET' }, /Visibility "SECRET" is not valid; expected ALL, INT, VIP/],
      ['malformed JSON-like EventAttributes', 'Message', { MessageText: 'hi', EventAttributes: '{"a":' }, /EventAttributes is malformed: not valid JSON/],
      [
        'malformed list-like EventAttributes',
        'Message',
        { MessageText: 'hi', EventAttributes: 'a:1|b' },
        /EventAttributes is malformed: pair 2 \("b"\) has no ":"/,
      ],
      [
        'EventAttributes that are a list of items',
        'Message',
        { MessageText: 'hi', EventAttributes: ['a'] },
        /EventAttributes is malformed: EventAttributes must be a key-value list/,
      ],
      ['a MessageText longer than message-max-size', 'Message', { MessageText: 'x'.repeat(101) }, /message-max-size \(100\)/],
      ['a missing NoticeType', 'Notice', { NoticeText: 'hi' }, /NoticeType is missing/],
      [
        'a NoticeType a workflow may not send',
        'Notice',
        { NoticeType: 'TYPING_STARTED' },
        /NoticeType "TYPING_STARTED" is not valid; expected USER_PUSHED_URL, USER_CUSTOM/,
      ],
      ['a pushed URL without its URL', 'Notice', { NoticeType: 'USER_PUSHED_URL' }, /NoticeText must be the URL to push/],
      ['a pushed URL that is no URL', 'Notice', { NoticeType: 'USER_PUSHED_URL', NoticeText: 'see our help page' }, /NoticeText must be the URL to push/],
    ])('%s (400, fault 2)', async (_, method, parameters, names) => {
      const { interactionId, length } = await chat();
      const before = await length();
      expectFault(await esp(method, { InteractionId: interactionId, ...parameters }), 400, 2, names);
      expect(await length()).toBe(before);
    });

    it.each<[string, string, string, number]>([
      ['a body that is not JSON', '{"Service":"Chat",', 'application/json', 400],
      ['a JSON body that is not an object', '["Chat","Message"]', 'application/json', 400],
      ['a body that is not sent as JSON', 'Service=Chat&Method=Message', 'text/plain', 400],
      [
        'a body larger than the limit',
        JSON.stringify({ Service: 'Chat', Method: 'Message', Parameters: { MessageText: 'x'.repeat(1_000_000) } }),
        'application/json',
        413,
      ],
    ])('%s is a malformed request (fault 6)', async (_, body, contentType, httpStatus) => {
      expectFault(await post(body, contentType), httpStatus, 6, /request/);
    });

    it('answers another HTTP method on /esp as a fault too, and leaves other routes to Nest', async () => {
      const get = await fetch(`${url}/esp`);
      expect(get.status).toBe(404);
      expect(await get.json()).toMatchObject({ Event: 'Event3rdServerFault', FaultCode: 6, FaultString: 'request refused: Cannot GET /esp' });
      const other = await fetch(`${url}/nowhere`);
      expect(other.status).toBe(404);
      expect(await other.json()).toMatchObject({ statusCode: 404, message: 'Cannot GET /nowhere' });
    });

    it('answers an internal failure with fault 99 and nothing of its details, and logs it', async () => {
      const { interactionId } = await chat();
      const failure = new Error('store at /var/lib/ocs is read-only');
      jest.spyOn(engine, 'sessionInfo').mockRejectedValueOnce(failure);
      const logged = jest.spyOn(logger, 'error');
      const reply = await esp('GetSessionInfo', { InteractionId: interactionId });
      expect(reply).toEqual({ status: 500, body: { Event: 'Event3rdServerFault', FaultCode: 99, FaultString: 'internal error; try again later' } });
      expect(logged).toHaveBeenCalledWith({ err: failure }, 'ESP request failed');
    });
  });
});
