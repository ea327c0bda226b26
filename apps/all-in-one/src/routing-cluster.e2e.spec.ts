import type { RoutingServerEvent, ServerEvent } from '@ocs/agent-protocol';
import type { RoutingAgentMessage } from '@ocs/contracts';
import { AgentTestClient, GmsRestClient } from '@ocs/testing';
import { randomBytes } from 'node:crypto';
import { TestCluster, realServers } from './test/cluster';
import { AGENT_TOKEN } from './test/product';

const servers = realServers();

/** The routing event of `type` the agent hears next. */
async function heard<K extends RoutingAgentMessage['type']>(agent: AgentTestClient, type: K): Promise<Extract<RoutingAgentMessage, { type: K }>> {
  const event = await agent.next((e: ServerEvent) => e.type === 'routing' && (e as RoutingServerEvent).event.type === type, `routing ${type}`);
  return (event as RoutingServerEvent).event as Extract<RoutingAgentMessage, { type: K }>;
}

(servers ? describe : describe.skip)('cluster: built-in routing across separate processes on the real servers', () => {
  let cluster: TestCluster;
  const agents: AgentTestClient[] = [];

  beforeAll(async () => {
    cluster = new TestCluster(servers ?? { cassandra: '', kafka: '', redis: '' }, {
      OCS__routing__mode: 'builtin',
      OCS__kafka__name_prefix: `ocs_routing_${randomBytes(4).toString('hex')}.`,
    });
    await cluster.schema();
    await TestCluster.build();
  }, 360_000);

  afterAll(async () => {
    for (const a of agents) await a.close();
    await cluster.stop();
    await cluster.dropSchema();
  }, 60_000);

  it('offers a chat requested on one gateway to an agent connected to another, through the esp-gateway’s routing', async () => {
    await cluster.engine('n1');
    const customerSide = await cluster.gateway('g1');
    const agentSide = await cluster.gateway('g2');
    await cluster.esp('x1');

    const agent = await AgentTestClient.connect(`${agentSide.url.replace(/^http/, 'ws')}/agent/ws`);
    agents.push(agent);
    await agent.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: 'ann', userType: 'AGENT' });
    const presence = await agent.expect('routing', { type: 'routingLogin', capacity: { chat: 1 }, queues: ['chat_inbound'], ready: true });
    expect(presence.event).toMatchObject({ type: 'presence', agent: { agentId: 'ann', ready: true } });

    const customer = new GmsRestClient(customerSide.url);
    expect((await customer.requestChat({ nickname: 'Carol' })).body.statusCode).toBe(0);
    const offer = await heard(agent, 'offer');
    const routed = (await agent.expect('routing', { type: 'routingAccept', offerId: offer.offerId })).event;
    expect(routed).toMatchObject({ type: 'routed', interactionId: offer.interactionId, sessionId: customer.chatId });
    expect(await agent.request((routed as Extract<RoutingAgentMessage, { type: 'routed' }>).join)).toMatchObject({
      type: 'sessionInfo',
      sessionId: customer.chatId,
    });
  }, 120_000);
});
