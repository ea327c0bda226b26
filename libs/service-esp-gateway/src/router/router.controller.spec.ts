import { Module } from '@nestjs/common';
import { MemoryInteractionServer } from '@ocs/adapters-memory';
import { joinRequestSchema } from '@ocs/agent-protocol';
import { bootstrapApp, createLogger, ObservabilityModule, type BootstrappedApp } from '@ocs/observability';
import type { InteractionProperties } from '@ocs/ports';
import { RouterModule } from './router.module';

@Module({})
class RouterTestModule {}

let server: MemoryInteractionServer;
let started: BootstrappedApp;

beforeEach(async () => {
  server = new MemoryInteractionServer();
  const root = { module: RouterTestModule, imports: [ObservabilityModule.forRoot({ service: 'router-test' }), RouterModule.forRoot(server)] };
  started = await bootstrapApp(root, { service: 'router-test', host: '127.0.0.1', port: 0, logger: createLogger({ service: 'router-test', level: 'silent' }) });
});

afterEach(() => started.app.close());

async function call(method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; json: unknown }> {
  const headers = body === undefined ? undefined : { 'content-type': 'application/json' };
  const response = await fetch(`${started.url}/router${path}`, { method, headers, body });
  return { status: response.status, json: await response.json() };
}

async function submit(queue: string, sessionId: string, properties: InteractionProperties = { IsOnline: '1' }): Promise<string> {
  return (await server.submit({ tenantDbid: 1, queue, mediaType: 'chat', sessionId, properties })).interactionId;
}

describe('router surface over HTTP', () => {
  it('lists the queues with their waiting counts, and the waiting interactions of one queue', async () => {
    const first = await submit('sales', 'S1', { Subject: 'Zoë 😀' });
    await submit('billing', 'S2');
    await submit('sales', 'S3');
    expect(await call('GET', '/queues')).toEqual({
      status: 200,
      json: [
        { queue: 'billing', waiting: 1 },
        { queue: 'sales', waiting: 2 },
      ],
    });
    const sales = await call('GET', '/queues/sales/interactions');
    expect(sales.status).toBe(200);
    expect(sales.json).toEqual([
      { interactionId: first, sessionId: 'S1', submittedAt: expect.any(Number), properties: { Subject: 'Zoë 😀' } },
      expect.objectContaining({ sessionId: 'S3' }),
    ]);
    expect(await call('GET', '/queues/nowhere/interactions')).toEqual({ status: 200, json: [] });
  });

  it('shows one interaction in any state, or 404 naming an unknown id', async () => {
    const id = await submit('sales', 'S1');
    await server.stop(id, 'abandoned');
    expect(await call('GET', `/interactions/${id}`)).toEqual({ status: 200, json: { ...(await server.get(id)), state: 'stopped' } });
    expect(await call('GET', '/interactions/NOPE')).toEqual({ status: 404, json: { error: 'no interaction "NOPE"' } });
  });

  it('takes a waiting interaction and answers a ready agent join, carrying the session password', async () => {
    const id = await submit('sales', 'S1', { IsOnline: '1', ChatServerSessionPassword: 'pw-1' });
    const taken = await call('POST', `/interactions/${id}/take`);
    expect(taken).toEqual({
      status: 200,
      json: {
        interactionId: id,
        sessionId: 'S1',
        properties: { IsOnline: '1', ChatServerSessionPassword: 'pw-1' },
        join: { type: 'join', sessionId: 'S1', userData: { GCTI_Chat_SessionPassword: 'pw-1' } },
      },
    });
    expect(joinRequestSchema.safeParse((taken.json as { join: unknown }).join).success).toBe(true);
    expect((await server.get(id))?.state).toBe('routed');
  });

  it('answers a join without password when the session has none', async () => {
    const id = await submit('sales', 'S1');
    expect((await call('POST', `/interactions/${id}/take`)).json).toMatchObject({ join: { type: 'join', sessionId: 'S1', userData: {} } });
  });

  it('refuses to take an interaction that is not waiting (409) or unknown (404)', async () => {
    const id = await submit('sales', 'S1');
    await call('POST', `/interactions/${id}/take`);
    expect(await call('POST', `/interactions/${id}/take`)).toEqual({ status: 409, json: { error: `cannot take interaction ${id}: it is routed, not queued` } });
    expect(await call('POST', '/interactions/NOPE/take')).toEqual({ status: 404, json: { error: 'no interaction "NOPE"' } });
  });

  it('requeues a taken interaction in its queue or in another one', async () => {
    const id = await submit('sales', 'S1');
    await call('POST', `/interactions/${id}/take`);
    expect(await call('POST', `/interactions/${id}/requeue`)).toMatchObject({ status: 200, json: { interactionId: id, queue: 'sales', state: 'queued' } });
    await call('POST', `/interactions/${id}/take`);
    expect(await call('POST', `/interactions/${id}/requeue`, JSON.stringify({ queue: 'billing' }))).toMatchObject({
      status: 200,
      json: { queue: 'billing', state: 'queued' },
    });
    expect((await call('GET', '/queues/billing/interactions')).json).toEqual([expect.objectContaining({ interactionId: id })]);
  });

  it('refuses to requeue a waiting (409) or unknown (404) interaction', async () => {
    const id = await submit('sales', 'S1');
    expect(await call('POST', `/interactions/${id}/requeue`)).toEqual({
      status: 409,
      json: { error: `cannot requeue interaction ${id}: it is queued, not routed` },
    });
    expect(await call('POST', '/interactions/NOPE/requeue')).toEqual({ status: 404, json: { error: 'no interaction "NOPE"' } });
  });

  it('refuses a bad requeue body with 400 naming the problem', async () => {
    const id = await submit('sales', 'S1');
    server.take(id);
    expect(await call('POST', `/interactions/${id}/requeue`, '{"queue":""}')).toEqual({
      status: 400,
      json: { error: 'bad requeue body: field queue: expected a non-empty queue name' },
    });
    expect(await call('POST', `/interactions/${id}/requeue`, '{"queu":"billing"}')).toEqual({
      status: 400,
      json: { error: expect.stringContaining('"queu"') },
    });
    expect(await call('POST', `/interactions/${id}/requeue`, '{"queue":')).toMatchObject({ status: 400, json: { message: 'Unexpected end of JSON input' } });
    expect((await server.get(id))?.state).toBe('routed');
  });

  it('stops an interaction as routing would, so the chat server hears of it; unknown → 404', async () => {
    const heard: string[] = [];
    server.onStopped((stoppedId) => void heard.push(stoppedId));
    const id = await submit('sales', 'S1');
    expect(await call('POST', `/interactions/${id}/stop`)).toEqual({ status: 200, json: { interactionId: id, state: 'stopped' } });
    expect(heard).toEqual([id]);
    expect((await server.get(id))?.state).toBe('stopped');
    expect(await call('POST', '/interactions/NOPE/stop')).toEqual({ status: 404, json: { error: 'no interaction "NOPE"' } });
  });
});
