import { InteractionStateError, UnknownInteractionError, type SubmitRequest } from '@ocs/ports';
import { interactionServerContract } from '@ocs/testing';
import { MemoryInteractionServer } from './memory-interaction-server';

interactionServerContract('memory', async () => {
  const server = new MemoryInteractionServer();
  return { server, stopExternally: (id) => server.stopExternally(id) };
});

function request(queue: string, sessionId: string): SubmitRequest {
  return { tenantDbid: 1, queue, mediaType: 'chat', sessionId, properties: { IsOnline: '1' } };
}

describe('MemoryInteractionServer as the router sees it', () => {
  let server: MemoryInteractionServer;
  beforeEach(() => {
    server = new MemoryInteractionServer();
  });

  it('gives ids of 16 uppercase hex digits', async () => {
    const { interactionId } = await server.submit(request('q', 'S1'));
    expect(interactionId).toMatch(/^[0-9A-F]{16}$/);
  });

  it('lists the waiting interactions of one queue or of all, oldest first, and counts them per queue', async () => {
    const a = await server.submit(request('sales', 'S1'));
    const b = await server.submit(request('billing', 'S2'));
    const c = await server.submit(request('sales', 'S3'));
    await server.stop(b.interactionId, 'abandoned');
    expect(server.waiting('sales').map((i) => i.sessionId)).toEqual(['S1', 'S3']);
    expect(server.waiting().map((i) => i.sessionId)).toEqual(['S1', 'S3']);
    expect(server.waiting('nowhere')).toEqual([]);
    server.take(a.interactionId);
    expect(server.queues()).toEqual([
      { queue: 'billing', waiting: 0 },
      { queue: 'sales', waiting: 1 },
    ]);
    expect(server.waiting('sales').map((i) => i.interactionId)).toEqual([c.interactionId]);
  });

  it('takes a waiting interaction (routed) and refuses to take it again or to take an unknown one', async () => {
    const { interactionId } = await server.submit(request('q', 'S1'));
    expect(server.take(interactionId)).toMatchObject({ interactionId, sessionId: 'S1', state: 'routed' });
    expect((await server.get(interactionId))?.state).toBe('routed');
    expect(() => server.take(interactionId)).toThrow(InteractionStateError);
    expect(() => server.take(interactionId)).toThrow(`cannot take interaction ${interactionId}: it is routed, not queued`);
    expect(() => server.take('NOPE')).toThrow(UnknownInteractionError);
    expect(() => server.take('NOPE')).toThrow('no interaction "NOPE"');
  });

  it('requeues a taken interaction in its own queue or in another, and only a taken one', async () => {
    const first = await server.submit(request('q1', 'S1'));
    const second = await server.submit(request('q1', 'S2'));
    expect(() => server.requeue(first.interactionId)).toThrow(InteractionStateError);
    server.take(first.interactionId);
    expect(server.requeue(first.interactionId)).toMatchObject({ queue: 'q1', state: 'queued' });
    expect(server.waiting('q1').map((i) => i.sessionId)).toEqual(['S1', 'S2']);
    server.take(second.interactionId);
    expect(server.requeue(second.interactionId, 'q2')).toMatchObject({ queue: 'q2', state: 'queued' });
    expect(server.waiting('q2').map((i) => i.sessionId)).toEqual(['S2']);
    expect(() => server.requeue('NOPE', 'q2')).toThrow(UnknownInteractionError);
  });

  it('hands out copies', async () => {
    const { interactionId } = await server.submit(request('q', 'S1'));
    server.waiting('q')[0].properties.IsOnline = 'x';
    server.take(interactionId).properties.IsOnline = 'y';
    expect((await server.get(interactionId))?.properties.IsOnline).toBe('1');
  });

  it('stops externally even a taken interaction; a failing handler is reported and the others still run', async () => {
    const onError = jest.fn();
    server = new MemoryInteractionServer({ onError });
    const heard: string[] = [];
    const failure = new Error('handler failure');
    server.onStopped(() => {
      throw failure;
    });
    server.onStopped(async () => Promise.reject(failure));
    server.onStopped((id) => void heard.push(id));
    const { interactionId } = await server.submit(request('q', 'S1'));
    server.take(interactionId);
    await server.stopExternally(interactionId);
    expect(heard).toEqual([interactionId]);
    expect(onError.mock.calls).toEqual([
      [interactionId, failure],
      [interactionId, failure],
    ]);
    expect((await server.get(interactionId))?.state).toBe('stopped');
  });

  it('tells no one when stopping externally an interaction already stopped, and refuses an unknown one', async () => {
    const heard = jest.fn();
    server.onStopped(heard);
    const { interactionId } = await server.submit(request('q', 'S1'));
    await server.stop(interactionId, 'abandoned');
    await server.stopExternally(interactionId);
    expect(heard).not.toHaveBeenCalled();
    await expect(server.stopExternally('NOPE')).rejects.toThrow(UnknownInteractionError);
    await expect(server.stop('NOPE', 'abandoned')).rejects.toThrow(UnknownInteractionError);
  });

  it('drops the properties of an interaction once it stops (however it stops), and ignores later updates', async () => {
    const held = (await server.submit({ ...request('q', 'S1'), properties: { IsOnline: '1', Note: 'x'.repeat(100_000) } })).interactionId;
    const routed = (await server.submit(request('q', 'S2'))).interactionId;
    await server.stop(held, 'abandoned');
    server.take(routed);
    await server.stopExternally(routed);
    await server.updateProperties(held, { IsOnline: '0', Later: 'y' });
    for (const id of [held, routed]) expect(await server.get(id)).toMatchObject({ state: 'stopped', properties: {} });
    expect((server as unknown as { properties: { size: number } }).properties.size).toBe(0);
  });

  it('forgets the oldest stopped interactions beyond keepStopped, keeping the live ones, and their sessions too', async () => {
    server = new MemoryInteractionServer({ keepStopped: 1 });
    const live = await server.submit(request('q', 'S0'));
    const [a, b] = [await server.submit(request('q', 'S1')), await server.submit(request('q', 'S2'))];
    await server.stop(a.interactionId, 'abandoned');
    await server.stopExternally(b.interactionId);
    expect(await server.get(a.interactionId)).toBeUndefined();
    expect((await server.get(b.interactionId))?.state).toBe('stopped');
    expect((await server.get(live.interactionId))?.state).toBe('queued');
    expect((await server.submit(request('q', 'S1'))).interactionId).not.toBe(a.interactionId);
  });
});
