import {
  MAX_REQUEST_DEPTH,
  parseAgentRequest,
  toIdentity,
  toJoinRequest,
  toLeaveOptions,
  toMessageRequest,
  toNoticeRequest,
  type AgentRequest,
  type ParseResult,
} from './requests';

function accepted(raw: unknown): AgentRequest {
  const result = parseAgentRequest(JSON.stringify(raw));
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  return result.request;
}

function refused(raw: string): Extract<ParseResult, { ok: false }>['error'] {
  const result = parseAgentRequest(raw);
  if (result.ok) throw new Error(`accepted: ${raw}`);
  expect(result.error.code).toBe('BAD_REQUEST');
  return result.error;
}

describe('parseAgentRequest', () => {
  it('accepts a register and defaults the client version to 106', () => {
    expect(accepted({ type: 'register', requestId: 'r1', token: 't', nickname: 'Ann', userType: 'AGENT' })).toEqual({
      type: 'register',
      requestId: 'r1',
      token: 't',
      nickname: 'Ann',
      userType: 'AGENT',
      clientVersion: 106,
    });
  });

  it('accepts every request type, with numeric request ids too', () => {
    const requests = [
      { type: 'register', requestId: 7, token: 't', nickname: 'Sue', userType: 'SUPERVISOR', personId: 'sue.k', clientVersion: 104, timeZoneOffset: -60 },
      { type: 'join' },
      { type: 'join', sessionId: 'S1', visibility: 'INT', userData: { GCTI_Chat_SessionPassword: 'pw', nested: { a: 'b' } }, text: 'hi' },
      {
        type: 'message',
        sessionId: 'S1',
        text: 'Pick one',
        messageType: 'text',
        receiverId: 'U2',
        eventAttributes: { 'structured-content': { 'genesys-chat': { content: '{"x":1}', type: 'quick-replies' } } },
      },
      { type: 'notify', sessionId: 'S1', noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': '5' } },
      { type: 'releaseParty', sessionId: 'S1', afterAction: 'CLOSE_IF_NO_AGENTS', text: 'bye' },
      { type: 'refresh', sessionId: 'S1', fromPosition: 0 },
      { type: 'setVisibility', sessionId: 'S1', visibility: 'INT' },
    ];
    for (const request of requests) expect(accepted(request)).toEqual(expect.objectContaining(request));
  });

  it('refuses frames that are not a JSON object', () => {
    expect(refused('hello {').message).toBe('request is not valid JSON');
    expect(refused('[1,2]').message).toBe('request must be a JSON object, not an array');
    expect(refused('null').message).toBe('request must be a JSON object, not null');
    expect(refused('"join"').message).toBe('request must be a JSON object, not string');
  });

  it('names a missing or unknown type and lists the known ones, echoing the request id', () => {
    expect(refused('{"requestId":"a"}')).toEqual({
      type: 'error',
      requestId: 'a',
      code: 'BAD_REQUEST',
      message:
        'field type: missing request type; expected one of register, join, message, notify, releaseParty, refresh, setVisibility, routingLogin, routingReady, routingNotReady, routingLogout, routingAccept, routingDecline, routingQueue, routingPick, routingTransfer',
    });
    expect(refused('{"type":"teleport","requestId":3}')).toMatchObject({
      requestId: 3,
      message:
        'field type: unknown request type "teleport"; expected one of register, join, message, notify, releaseParty, refresh, setVisibility, routingLogin, routingReady, routingNotReady, routingLogout, routingAccept, routingDecline, routingQueue, routingPick, routingTransfer',
    });
  });

  it('names every bad field', () => {
    const error = refused('{"type":"message","requestId":"m","sessionId":42,"text":true}');
    expect(error.requestId).toBe('m');
    expect(error.message).toMatch(/^field sessionId: .*expected string.*; field text: .*expected string/);
    expect(refused('{"type":"register","token":"t","nickname":"A","userType":"CLIENT"}').message).toMatch(/^field userType: /);
    expect(refused('{"type":"register","token":"t","nickname":"A","userType":"AGENT","clientVersion":107}').message).toMatch(/^field clientVersion: /);
    expect(refused('{"type":"refresh","sessionId":"S","fromPosition":-1}').message).toMatch(/^field fromPosition: /);
    expect(refused('{"type":"releaseParty","sessionId":"S","afterAction":"LATER"}').message).toMatch(/^field afterAction: /);
    expect(refused('{"type":"join","userData":{"a":{"b":1}}}').message).toBe('field userData.a: expected a string or a nested key-value list');
  });

  it('refuses unknown fields, so a misspelled receiver cannot turn a direct message public', () => {
    expect(refused('{"type":"message","sessionId":"S","text":"psst","recieverId":"U2"}').message).toBe('Unrecognized key: "recieverId"');
  });

  it('refuses the notice types only the server sends', () => {
    expect(refused('{"type":"notify","sessionId":"S","noticeType":"IDLE_CONTROL_CLOSE"}').message).toMatch(/^field noticeType: .*"TYPING_STARTED"/);
  });

  it('does not echo a request id it cannot use', () => {
    expect(refused('{"type":"nope","requestId":{"a":1}}').requestId).toBeUndefined();
  });

  it('refuses deep nesting before validating, without exhausting the stack', () => {
    let userData = '"x"';
    for (let i = 0; i < 100_000; i++) userData = `{"k":${userData}}`;
    expect(refused(`{"type":"join","requestId":"deep","userData":${userData}}`)).toMatchObject({
      requestId: 'deep',
      message: `request nests objects deeper than ${MAX_REQUEST_DEPTH} levels`,
    });
  });
});

describe('mapping to engine requests', () => {
  const identity = toIdentity({ type: 'register', requestId: 'r', token: 'secret', nickname: 'Ann', userType: 'AGENT', clientVersion: 105, personId: 'ann.b' });

  it('keeps the identity without the token', () => {
    expect(identity).toEqual({ nickname: 'Ann', userType: 'AGENT', clientVersion: 105, personId: 'ann.b' });
  });

  it('joins with the registered identity over the basic protocol', () => {
    expect(toJoinRequest(identity, { type: 'join', requestId: 'j', sessionId: 'S1', visibility: 'INT', userData: { GCTI_Chat_SetPartyStyle: 'BOT' } })).toEqual(
      {
        nickname: 'Ann',
        userType: 'AGENT',
        clientVersion: 105,
        personId: 'ann.b',
        protocol: 'BASIC',
        visibility: 'INT',
        userData: { GCTI_Chat_SetPartyStyle: 'BOT' },
      },
    );
  });

  it('strips the envelope from messages, notices and releases', () => {
    expect(toMessageRequest({ type: 'message', requestId: 'm', sessionId: 'S1', text: 'hi', receiverId: 'U2' })).toEqual({ text: 'hi', receiverId: 'U2' });
    expect(toNoticeRequest({ type: 'notify', sessionId: 'S1', noticeType: 'TYPING_STARTED' })).toEqual({ noticeType: 'TYPING_STARTED' });
    expect(toLeaveOptions({ type: 'releaseParty', sessionId: 'S1', afterAction: 'KEEP_ALIVE', text: 'bye' })).toEqual({ text: 'bye' });
    expect(toLeaveOptions({ type: 'releaseParty', sessionId: 'S1', afterAction: 'KEEP_ALIVE' })).toEqual({});
    expect(toLeaveOptions({ type: 'releaseParty', sessionId: 'S1', afterAction: 'KEEP_ALIVE', transferred: true })).toEqual({ transferred: true });
  });
});
