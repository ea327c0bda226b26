import { AgentTestClient, GmsCometdClient, GmsRestClient, scrapeMetric } from '@ocs/testing';
import type { Embedded } from '@ocs/wiring';
import { AGENT_TOKEN, TestRouter, startTestProduct } from './test/product';

let embedded: Embedded;
let gateway: string;
let engine: string;
let esp: string;
let agentUrl: string;
let router: TestRouter;

beforeAll(async () => {
  ({ embedded, gateway, agentUrl, esp } = await startTestProduct());
  engine = embedded.urls['session-engine'];
  router = new TestRouter(esp);
});

afterAll(async () => {
  await embedded.close();
});

describe('application metrics on /metrics, moved by real requests', () => {
  it('counts REST requests by operation and status, with their latency, and the sessions and messages they make', async () => {
    const requests = (operation: string, status = '200') => scrapeMetric(gateway, 'ocs_requests_total', { api: 'gms-rest', operation, status });
    const [chats, sends, unknown, created, fromCustomers, quits] = await Promise.all([
      requests('requestChat'),
      requests('send'),
      scrapeMetric(gateway, 'ocs_requests_total', { api: 'gms-rest', operation: 'unknown' }),
      scrapeMetric(engine, 'ocs_sessions_created_total'),
      scrapeMetric(engine, 'ocs_messages_total', { direction: 'customer-to-agent' }),
      scrapeMetric(engine, 'ocs_sessions_closed_total', { reason: 'QUIT' }),
    ]);
    const ann = new GmsRestClient(gateway);
    expect((await ann.requestChat({ nickname: 'Ann' })).status).toBe(200);
    await ann.op('send', { message: 'hello' });
    await ann.op('send', { message: 'anyone?' });
    await GmsRestClient.post(`${gateway}/genesys/2/chat/customer-support/${ann.chatId}/no-such-operation`, {});
    await ann.op('disconnect');

    expect(await requests('requestChat')).toBe(chats + 1);
    expect(await requests('send')).toBe(sends + 2);
    expect(await scrapeMetric(gateway, 'ocs_requests_total', { api: 'gms-rest', operation: 'unknown' })).toBe(unknown + 1);
    expect(await scrapeMetric(gateway, 'ocs_request_duration_seconds_count', { api: 'gms-rest', operation: 'send' })).toBe(sends + 2);
    expect(await scrapeMetric(engine, 'ocs_sessions_created_total')).toBe(created + 1);
    expect(await scrapeMetric(engine, 'ocs_messages_total', { direction: 'customer-to-agent' })).toBe(fromCustomers + 2);
    expect(await scrapeMetric(engine, 'ocs_sessions_closed_total', { reason: 'QUIT' })).toBe(quits + 1);
    // The chat id is no label: no series names it.
    expect(await (await fetch(`${gateway}/metrics`)).text()).not.toContain(ann.chatId);
  });

  it('counts agent WebSocket requests and live connections of both transports, and agent messages', async () => {
    const ann = new GmsRestClient(gateway);
    await ann.requestChat({ nickname: 'Ann' });
    const fromAgents = await scrapeMetric(engine, 'ocs_messages_total', { direction: 'agent-to-customer' });
    const agent = await AgentTestClient.connect(agentUrl);
    const cometd = await GmsCometdClient.connect(`${gateway}/genesys/cometd`, 'long-polling');
    try {
      await agent.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: 'Bob', userType: 'AGENT' });
      await agent.expect('sessionInfo', await router.join(ann.chatId));
      await agent.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'hi Ann' });
      await cometd.requestChat({ nickname: 'Cy' });
      expect(await scrapeMetric(gateway, 'ocs_requests_total', { api: 'agent-ws', operation: 'register', status: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(await scrapeMetric(gateway, 'ocs_requests_total', { api: 'cometd', operation: 'requestChat', status: '200' })).toBeGreaterThanOrEqual(1);
      expect(await scrapeMetric(gateway, 'ocs_live_connections', { transport: 'agent-ws' })).toBe(1);
      expect(await scrapeMetric(gateway, 'ocs_live_connections', { transport: 'cometd' })).toBe(1);
      expect(await scrapeMetric(engine, 'ocs_messages_total', { direction: 'agent-to-customer' })).toBe(fromAgents + 1);
    } finally {
      await agent.close();
      await cometd.disconnect();
    }
  });

  it('counts ESP requests by method, an unknown method apart', async () => {
    const before = await scrapeMetric(esp, 'ocs_requests_total', { api: 'esp', operation: 'unknown' });
    const response = await fetch(`${esp}/esp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Service: 'Chat', Method: 'NoSuchMethod', Parameters: {}, UserData: {} }),
    });
    expect(response.ok).toBe(false);
    expect(await scrapeMetric(esp, 'ocs_requests_total', { api: 'esp', operation: 'unknown', status: String(response.status) })).toBe(before + 1);
  });
});
