import { AgentTestClient, GmsRestClient, type ChatV2Reply } from '@ocs/testing';
import { AGENT_TOKEN, TestRouter, startTestProduct, type TestProduct } from './test/product';

type CustomerMessage = ChatV2Reply['messages'][number];

const ALERT = 'Anyone there?';
const ALERT2 = 'Last call!';
const CLOSE = 'Closed for silence.';

let product: TestProduct;
let router: TestRouter;
const agents: AgentTestClient[] = [];

beforeAll(async () => {
  product = await startTestProduct({
    'OCS__inactivity-control__enabled': 'true',
    'OCS__inactivity-control__timeout-alert': '1',
    'OCS__inactivity-control__timeout-alert2': '1',
    'OCS__inactivity-control__timeout-close': '1',
    'OCS__inactivity-control__message-alert': ALERT,
    'OCS__inactivity-control__message-alert2': ALERT2,
    'OCS__inactivity-control__message-close': CLOSE,
    'OCS__language:Spanish__language': 'es',
    'OCS__language:Spanish__country': 'ES',
    'OCS__language:Spanish__use-language-as-default': 'true',
    'OCS__language:Spanish__message-alert': '¿Sigue ahí?',
    'OCS__language:Spanish__message-alert2': '¡Última llamada!',
    'OCS__language:Spanish__message-close': 'Sesión cerrada por inactividad.',
  });
  router = new TestRouter(product.esp);
});

afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

afterAll(async () => {
  await product.embedded.close();
});

/** A customer (REST) and an agent (WebSocket) who joined through routing, both silent from now on. */
async function chat(userData: Record<string, string> = {}) {
  const ann = new GmsRestClient(product.gateway);
  const fields = Object.fromEntries(Object.entries(userData).map(([key, value]) => [`userData[${key}]`, value]));
  expect((await ann.requestChat({ nickname: 'Ann', ...fields })).status).toBe(200);
  const bob = await AgentTestClient.connect(product.agentUrl);
  agents.push(bob);
  await bob.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: 'Bob', userType: 'AGENT' });
  const joined = await bob.expect('sessionInfo', await router.join(ann.chatId));
  const joinedAt = joined.events[joined.events.length - 1].at;
  return { ann, bob, joinedAt, interactionId: router.interactionId(ann.chatId) };
}

/** What the customer gets by refreshing (protocol requests, which are no session activity) until the chat ends. */
async function customerUntilEnded(ann: GmsRestClient): Promise<CustomerMessage[]> {
  const seen: CustomerMessage[] = [];
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const reply = await ann.op('refresh');
    seen.push(...reply.body.messages);
    if (reply.body.chatEnded) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the chat did not end; the customer saw ${JSON.stringify(seen.map((m) => m.type))}`);
}

/** The idle notices the agent was pushed, with when they happened. */
function agentIdleNotices(bob: AgentTestClient, sessionId: string): Array<[string, string, number]> {
  const found: Array<[string, string, number]> = [];
  for (const e of bob.history) {
    if (e.type !== 'sessionInfo' || e.sessionId !== sessionId || e.requestId !== undefined) continue;
    for (const w of e.events) if (w.noticeType?.startsWith('IDLE_CONTROL_')) found.push([w.noticeType, w.text ?? '', w.at]);
  }
  return found;
}

function esp(method: string, parameters: Record<string, string>) {
  return fetch(`${product.esp}/esp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Service: 'Chat', Method: method, Parameters: parameters, UserData: {} }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as { Event: string; FaultString?: string } }));
}

const idle = (messages: CustomerMessage[]) => messages.filter((m) => m.type === 'IdleAlert' || m.type === 'IdleClose').map((m) => [m.type, m.text]);

describe('inactivity control over REST, WebSocket and ESP', () => {
  it('a silent customer and agent get the alert, the second alert and the close at the configured times; both are removed', async () => {
    const { ann, bob, joinedAt } = await chat();
    const seen = await customerUntilEnded(ann);
    expect(idle(seen)).toEqual([
      ['IdleAlert', ALERT],
      ['IdleAlert', ALERT2],
      ['IdleClose', CLOSE],
    ]);
    await bob.pushed(ann.chatId, (w) => w.kind === 'partyLeft' && w.nickname === 'Bob', 'the agent removed');
    const notices = agentIdleNotices(bob, ann.chatId);
    expect(notices.map(([type, text]) => [type, text])).toEqual([
      ['IDLE_CONTROL_ALERT', ALERT],
      ['IDLE_CONTROL_ALERT', ALERT2],
      ['IDLE_CONTROL_CLOSE', CLOSE],
    ]);
    // One second each, as configured (the timer looks every 250 ms). A notice is stamped when it is written, a
    // millisecond or so after the step that starts the next wait: hence the 10 ms of room.
    const [alert, alert2, close] = notices.map(([, , at]) => at);
    expect(alert - joinedAt).toBeGreaterThanOrEqual(990);
    expect(alert - joinedAt).toBeLessThan(1600);
    expect(alert2 - alert).toBeGreaterThanOrEqual(990);
    expect(close - alert2).toBeGreaterThanOrEqual(990);
  });

  it('a message resets the wait for the alert', async () => {
    const { ann, bob, joinedAt } = await chat();
    await new Promise((resolve) => setTimeout(resolve, 700));
    await ann.op('send', { message: 'still thinking' });
    const sentAt = Date.now();
    await bob.pushed(ann.chatId, (w) => w.noticeType === 'IDLE_CONTROL_ALERT', 'the alert');
    const [[, , alertAt]] = agentIdleNotices(bob, ann.chatId);
    expect(alertAt - joinedAt).toBeGreaterThanOrEqual(1700);
    expect(alertAt).toBeGreaterThanOrEqual(sentAt + 900);
  });

  it('ESP IdleControlConfigure changes the live session: good parameters restart the timers; a bad timeout is refused by name and changes nothing', async () => {
    const { ann, bob, interactionId } = await chat();
    // The new timers are set first, within the product's one-second alert, so a slow machine cannot let the
    // product's own timers end the chat before the workflow's request arrives.
    const configuredFrom = Date.now();
    const configured = await esp('IdleControlConfigure', {
      InteractionId: interactionId,
      'timeout-alert': '2',
      'timeout-alert2': '0',
      'message-alert': 'The workflow asks: still there?',
      'message-close': 'The workflow closed this chat.',
    });
    expect(configured.body.Event).toBe('Event3rdServerResponse');
    const bad = await esp('IdleControlConfigure', { InteractionId: interactionId, 'timeout-alert': '-5' });
    expect(bad.status).toBe(400);
    expect(bad.body.FaultString).toMatch(/timeout-alert/);
    const nonNumeric = await esp('IdleControlConfigure', { InteractionId: interactionId, 'timeout-close': 'soon' });
    expect(nonNumeric.body.FaultString).toMatch(/timeout-close/);
    const seen = await customerUntilEnded(ann);
    expect(idle(seen)).toEqual([
      ['IdleAlert', 'The workflow asks: still there?'],
      ['IdleClose', 'The workflow closed this chat.'],
    ]);
    const [[, , alertAt], [, , closeAt]] = agentIdleNotices(bob, ann.chatId);
    expect(alertAt).toBeGreaterThanOrEqual(configuredFrom + 1990);
    expect(closeAt - alertAt).toBeGreaterThanOrEqual(990);
  });

  it('a Spanish-language session (GCTI_LanguageCode es-MX, Spanish the default for es) gets the Spanish texts', async () => {
    const { ann, bob } = await chat({ GCTI_LanguageCode: 'es-MX' });
    const seen = await customerUntilEnded(ann);
    expect(idle(seen)).toEqual([
      ['IdleAlert', '¿Sigue ahí?'],
      ['IdleAlert', '¡Última llamada!'],
      ['IdleClose', 'Sesión cerrada por inactividad.'],
    ]);
    expect(agentIdleNotices(bob, ann.chatId).map(([, text]) => text)).toContain('Sesión cerrada por inactividad.');
  });

  it('ESP ConfigureSession switches a session to Spanish; an unknown language is refused by name', async () => {
    const { ann, interactionId } = await chat();
    const unknown = await esp('ConfigureSession', { InteractionId: interactionId, GCTI_LanguageName: 'Klingon' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.FaultString).toMatch(/GCTI_LanguageName/);
    expect((await esp('ConfigureSession', { InteractionId: interactionId, GCTI_LanguageName: 'Spanish' })).body.Event).toBe('Event3rdServerResponse');
    expect(idle(await customerUntilEnded(ann))[0]).toEqual(['IdleAlert', '¿Sigue ahí?']);
  });
});
