import { TOPICS } from '@ocs/contracts';
import { eventually, pushRecord, PushReceiver } from '@ocs/testing';
import { startTestProduct, type TestProduct } from './test/product';

describe('all-in-one: the push-notifier on the in-process bus', () => {
  let receiver: PushReceiver;
  let product: TestProduct | undefined;

  beforeEach(async () => (receiver = await PushReceiver.start()));
  afterEach(async () => {
    await product?.embedded.close();
    product = undefined;
    await receiver.close();
  });

  it('delivers the push records of the session events to [push] customhttp.url, and counts them on its /metrics', async () => {
    product = await startTestProduct({ 'OCS__push__customhttp.url': receiver.url, OCS__push__pushEnabled: 'comet,customhttp', OCS__server__alias: '7' });
    const { bus, urls } = product.embedded;
    await bus.publish(['n-1', 'n-2'].map((id) => ({ topic: TOPICS.sessionEvents, key: 's-1', value: pushRecord('s-1', { id }) })));
    await eventually(() => receiver.received.length === 2);
    expect(receiver.ids).toEqual(['n-1', 'n-2']);
    expect(receiver.received[0].body).toMatchObject({ message: { alias: '7', chatId: 's-1' }, deviceId: 'device-1' });
    const metrics = await (await fetch(`${urls['push-notifier']}/metrics`)).text();
    expect(metrics).toMatch(/^ocs_push_notifications_sent_total 2$/m);
    expect(metrics).toMatch(/^ocs_push_delivery_latency_seconds_count 2$/m);
    expect(metrics).toMatch(/^ocs_push_queue_depth 0$/m);
  });

  it('delivers nothing while pushEnabled does not list customhttp', async () => {
    product = await startTestProduct({ 'OCS__push__customhttp.url': receiver.url, OCS__push__pushEnabled: 'comet' });
    const { bus, urls } = product.embedded;
    await bus.publish([{ topic: TOPICS.sessionEvents, key: 's-1', value: pushRecord('s-1', { id: 'n-1' }) }]);
    await (bus as { idle?: () => Promise<void> }).idle?.();
    expect(receiver.received).toEqual([]);
    expect(await (await fetch(`${urls['push-notifier']}/metrics`)).text()).not.toContain('ocs_push_notifications_sent_total');
  });
});
