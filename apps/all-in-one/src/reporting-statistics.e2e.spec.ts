import { AgentTestClient, GmsRestClient, TEST_ESP_AUTHORIZATION, until } from '@ocs/testing';
import type { Embedded } from '@ocs/wiring';
import { AGENT_TOKEN, TestRouter, startTestProduct } from './test/product';

/**
 * Reporting statistics end to end in the all-in-one process: a REST customer, a bot, a WebSocket agent, a coach, a
 * monitor and a workflow message over ESP; when the agent closes the session, the interaction as the router shows it
 * (`GET /router/interactions/{id}`) carries the statistics, with values computed here by hand. Times are whole
 * seconds of a session that lasts a few: each is checked against the wall clock within 1 s.
 */

let embedded: Embedded;
let gateway: string;
let agentUrl: string;
let esp: string;
const agents: AgentTestClient[] = [];

beforeAll(async () => {
  ({ embedded, gateway, agentUrl, esp } = await startTestProduct({ 'OCS__settings__attach-session-statistics': 'all' }));
});

afterAll(async () => {
  for (const a of agents.splice(0)) await a.close();
  await embedded.close();
});

async function agent(nickname: string, userType: 'AGENT' | 'SUPERVISOR', join: Record<string, unknown>): Promise<AgentTestClient> {
  const client = await AgentTestClient.connect(agentUrl);
  agents.push(client);
  await client.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname, userType });
  await client.expect('sessionInfo', join);
  return client;
}

/** Epoch milliseconds of a `YYYY-MM-DDTHH:MM:SSZ` key. */
const at = (timestamp: string | undefined): number => {
  expect(timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  return Date.parse(timestamp ?? '');
};

describe('reporting statistics over the real transports', () => {
  it('attaches the statistics of a session with a bot, an agent, a coach, a monitor and a workflow message', async () => {
    const router = new TestRouter(esp);
    const started = Date.now();
    const ann = new GmsRestClient(gateway);
    expect((await ann.requestChat({ nickname: 'Ann', 'userData[GCTI_LanguageName]': 'English', 'userData[MediaOrigin]': 'web' })).body.statusCode).toBe(0);
    const sessionId = ann.chatId;

    // A bot greets the customer and hands over.
    const bot = await agent('HelpBot', 'AGENT', await router.join(sessionId, { userData: { GCTI_Chat_SetPartyStyle: 'BOT' } }));
    const botJoined = Date.now();
    await bot.expect('ack', { type: 'message', sessionId, text: 'Hi, I am a bot.' });
    await bot.expect('ack', { type: 'releaseParty', sessionId, afterAction: 'KEEP_ALIVE' });

    // The agent joins; the customer writes twice, the agent answers once.
    const bob = await agent('Bob', 'AGENT', await router.join(sessionId));
    const bobJoined = Date.now();
    expect((await ann.op('send', { message: 'hello there' })).body.statusCode).toBe(0);
    expect((await ann.op('send', { message: 'my bill' })).body.statusCode).toBe(0);
    await bob.pushed(sessionId, (e) => e.kind === 'message' && e.text === 'my bill', 'the second customer message');
    await bob.expect('ack', { type: 'message', sessionId, text: 'Bob here.' });
    const replied = Date.now();

    // A coach whispers to the agent; a supervisor monitors; neither is seen by the customer nor counted as an agent.
    const coach = await agent('Sue', 'SUPERVISOR', await router.join(sessionId, { visibility: 'INT' }));
    await coach.expect('ack', { type: 'message', sessionId, text: 'offer a refund', visibility: 'INT' });
    await agent('Mo', 'SUPERVISOR', { type: 'join', sessionId, visibility: 'VIP' });

    // A workflow's message over ESP.
    const interactionId = router.interactionOf(sessionId) as string;
    const posted = await fetch(`${esp}/esp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: TEST_ESP_AUTHORIZATION },
      body: JSON.stringify({
        Service: 'Chat',
        Method: 'Message',
        Parameters: { InteractionId: interactionId, MessageText: 'a survey follows', Nickname: 'Flow' },
        UserData: {},
      }),
    });
    expect(posted.status).toBe(200);
    await bob.pushed(sessionId, (e) => e.kind === 'message' && e.nickname === 'Flow', 'the workflow message');

    // The agent closes the session.
    const closing = Date.now();
    await bob.expect('ack', { type: 'releaseParty', sessionId, afterAction: 'FORCE_CLOSE' });
    const closed = Date.now();

    const properties = await until(async () => {
      const reply = await fetch(`${esp}/router/interactions/${interactionId}`, { headers: { authorization: TEST_ESP_AUTHORIZATION } });
      const body = (await reply.json()) as { properties: Record<string, string> };
      return body.properties.IsOnline === '0' ? body.properties : undefined;
    }, 'the interaction offline');

    expect(properties).toMatchObject({
      csg_ChatSessionID: sessionId,
      csg_MediaType: 'chat',
      csg_TenantId: '1',
      csg_LanguageName: 'English',
      csg_MediaOrigin: 'web',
      csg_ChatAsyncMode: '0',
      // The agent closed it (force close), and was there at the close.
      csg_SessionEndedBy: 'AGENT',
      csg_SessionEndedReason: 'FORCE',
      csg_SessionEndedAgent: 'PRESENT',
      // 'hello there' + 'my bill'; 'Bob here.'; the bot's 'Hi, I am a bot.'; the coach's whisper counts nowhere.
      csg_MessagesFromCustomersCount: '2',
      csg_MessagesFromCustomersSize: String('hello there'.length + 'my bill'.length),
      csg_MessagesFromAgentsCount: '1',
      csg_MessagesFromAgentsSize: String('Bob here.'.length),
      csg_MessagesFromBotsCount: '1',
      csg_MessagesFromBotsSize: String('Hi, I am a bot.'.length),
      csg_PartiesAsAgentCount: '1',
      csg_PartiesAsBotCount: '1',
      csg_PartiesAsCoachCount: '1',
      csg_PartiesAsMonitorCount: '1',
      // One customer turn answered by one agent turn; the agent's turn was not answered.
      cse_AgentReplyTotalCount: '1',
      cse_CustomerWaitTotalCount: '1',
      cse_CustomerReplyTotalCount: '0',
      cse_AgentWaitTotalCount: '0',
    });
    const startedAt = at(properties.ChatServerSessionStartedAt);
    const closedAt = at(properties.ChatServerSessionClosedAt);
    expect(startedAt).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
    expect(startedAt).toBeLessThanOrEqual(botJoined);
    expect(closedAt).toBeGreaterThanOrEqual(Math.floor(closing / 1000) * 1000);
    expect(closedAt).toBeLessThanOrEqual(closed);
    const seconds = (key: string) => Number(properties[key]);
    const near = (key: string, from: number, to: number) => {
      expect(seconds(key)).toBeGreaterThanOrEqual(Math.floor((from - 1000) / 1000));
      expect(seconds(key)).toBeLessThanOrEqual(Math.ceil((to + 1000) / 1000));
    };
    near('csg_SessionTotalTime', closing - started - 1000, closed - started);
    near('csg_SessionUntilFirstBotTime', 0, botJoined - started);
    near('csg_SessionUntilFirstAgentTime', 0, bobJoined - started);
    near('csg_SessionUntilFirstReplyTime', bobJoined - started - 1000, replied - started);
    near('cse_SessionHandleTotalTime', closing - bobJoined - 1000, closed - bobJoined + 1000);
    near('csg_SessionWithCustomerTime', closing - started - 1000, closed - started);
  });
});
