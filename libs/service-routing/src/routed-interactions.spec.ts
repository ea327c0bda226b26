import { MemoryEventBus, MemoryInteractionServer } from '@ocs/adapters-memory';
import { ManualClock } from '@ocs/chat-domain/testing';
import { TOPICS } from '@ocs/contracts';
import type { BusRecord } from '@ocs/ports';
import { RoutedInteractions } from './routed-interactions';

let bus: MemoryEventBus;
let inner: MemoryInteractionServer;
let routed: RoutedInteractions;
let records: BusRecord[];

beforeEach(async () => {
  bus = new MemoryEventBus();
  inner = new MemoryInteractionServer();
  routed = new RoutedInteractions(inner, bus, new ManualClock(), (tenant) => tenant === 1);
  records = [];
  await bus.subscribe(TOPICS.routingCommands, 'test', (r) => void records.push(r));
});

const submit = (tenantDbid: number, sessionId: string) => routed.submit({ tenantDbid, queue: 'sales', mediaType: 'chat', sessionId, properties: {} });

describe('RoutedInteractions', () => {
  it('enqueues a submitted interaction of a routed tenant, keyed by tenant, with an id the repeat shares', async () => {
    const { interactionId } = await submit(1, 'S1');
    await submit(1, 'S1');
    await bus.idle();
    expect(records).toEqual([
      expect.objectContaining({
        topic: TOPICS.routingCommands,
        key: '1',
        value: expect.objectContaining({ type: 'enqueue', commandId: `enqueue:${interactionId}`, tenant: 1, interactionId, queue: 'sales' }),
      }),
      expect.objectContaining({ value: expect.objectContaining({ commandId: `enqueue:${interactionId}` }) }),
    ]);
  });

  it('removes an interaction that went offline or was stopped; other properties and other tenants pass through alone', async () => {
    const { interactionId } = await submit(1, 'S1');
    const other = (await submit(2, 'S2')).interactionId;
    await routed.updateProperties(interactionId, { GCTI_Chat_AsyncStatus: '2' });
    await routed.updateProperties(interactionId, { IsOnline: '0' });
    await routed.stop(other, 'closed');
    await bus.idle();
    expect(records.map((r) => (r.value as { type: string; cause?: string }).type + (r.value as { cause?: string }).cause)).toEqual([
      'enqueueundefined',
      'removeabandoned',
    ]);
    expect((await inner.get(interactionId))?.properties).toEqual({ GCTI_Chat_AsyncStatus: '2', IsOnline: '0' });
    expect((await inner.get(other))?.state).toBe('stopped');
  });
});
