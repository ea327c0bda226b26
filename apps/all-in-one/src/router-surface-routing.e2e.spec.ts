import type { RoutingServerEvent, ServerEvent } from '@ocs/agent-protocol';
import type { RoutingAgentMessage } from '@ocs/contracts';
import { AgentTestClient, GmsRestClient, until } from '@ocs/testing';
import { AGENT_TOKEN, startTestProduct, type TestProduct } from './test/product';

let product: TestProduct;
let dan: AgentTestClient | undefined;

beforeAll(async () => {
  product = await startTestProduct({ OCS__routing__mode: 'builtin', OCS__queue_chat_inbound__strategy: 'manual' });
});

afterAll(async () => {
  await dan?.close();
  await product.embedded.close();
});

async function router(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const init = body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(`${product.esp}/router${path}`, init);
  return { status: response.status, json: await response.json() };
}

describe('the router surface with the built-in routing: a take is the manual pick of the agent it is taken for', () => {
  it('takes a waiting chat for a ready agent once, through routing, and refuses a second taker whichever way it comes', async () => {
    const customer = new GmsRestClient(product.gateway);
    expect((await customer.requestChat({ nickname: 'Carol' })).body.statusCode).toBe(0);
    const [waiting] = await until(async () => {
      const list = (await router('GET', '/queues/chat_inbound/interactions')).json as Array<{ interactionId: string; sessionId: string }>;
      return list.length > 0 ? list : undefined;
    }, 'the chat waiting in chat_inbound');
    const id = waiting.interactionId;
    expect(waiting.sessionId).toBe(customer.chatId);

    expect(await router('POST', `/interactions/${id}/take`)).toEqual({
      status: 400,
      json: { error: `cannot take interaction ${id}: built-in routing gives every chat to an agent, name it (agentId)` },
    });
    expect(await router('POST', `/interactions/${id}/take`, { agentId: 'ghost' })).toEqual({
      status: 409,
      json: { error: expect.stringMatching(new RegExp(`^cannot take interaction ${id} for agent ghost: .*ghost`)) },
    });

    dan = await AgentTestClient.connect(product.agentUrl);
    await dan.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: 'dan', userType: 'AGENT' });
    await dan.expect('routing', { type: 'routingLogin', capacity: { chat: 2 }, queues: ['chat_inbound'], ready: true });
    const taken = await router('POST', `/interactions/${id}/take`, { agentId: 'dan' });
    expect(taken).toMatchObject({ status: 200, json: { interactionId: id, sessionId: customer.chatId, join: { type: 'join', sessionId: customer.chatId } } });
    const routed = await dan.next(
      (e: ServerEvent) => e.type === 'routing' && (e as RoutingServerEvent).event.type === 'routed',
      'the routed chat on the agent’s socket',
    );
    expect((routed as RoutingServerEvent).event).toMatchObject({ type: 'routed', interactionId: id } satisfies Partial<RoutingAgentMessage>);
    expect(await dan.request((taken.json as { join: Record<string, unknown> }).join)).toMatchObject({ type: 'sessionInfo', sessionId: customer.chatId });

    // Routing gave the chat once: neither the surface nor the agent's own pick takes it again.
    expect((await router('POST', `/interactions/${id}/take`, { agentId: 'dan' })).status).toBe(409);
    expect((await dan.expect('routing', { type: 'routingPick', interactionId: id })).event).toMatchObject({ type: 'refused', code: 'NOT_WAITING' });
    expect((await router('GET', '/queues')).json).toEqual([{ queue: 'chat_inbound', waiting: 0 }]);
    expect((await router('GET', `/interactions/${id}`)).json).toMatchObject({ state: 'routed', properties: { RTargetAgentSelected: 'dan' } });
    expect(await router('POST', `/interactions/${id}/requeue`)).toEqual({
      status: 409,
      json: { error: `cannot requeue interaction ${id} here: with built-in routing, its agent transfers it (routingTransfer)` },
    });
  });
});
