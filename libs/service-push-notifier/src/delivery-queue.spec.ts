import { DeliveryQueue, type DeliveryJob } from './delivery-queue';
import type { Attempt } from './receiver';

/** Jobs whose sends wait until the test answers them, in the order they were sent. */
class Sends {
  readonly pending: Array<{ id: string; answer: (attempt: Attempt) => void }> = [];
  job(id: string, deviceId: string): DeliveryJob {
    return { id, deviceId, send: () => new Promise<Attempt>((answer) => this.pending.push({ id, answer })) };
  }
  answer(id: string, attempt: Attempt = { outcome: 'sent', status: 200 }): void {
    const at = this.pending.findIndex((p) => p.id === id);
    this.pending.splice(at, 1)[0].answer(attempt);
  }
  get ids(): string[] {
    return this.pending.map((p) => p.id);
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const options = { concurrency: 2, queueSize: 100, retryAttempts: 3, retryDelayMs: 1, retryMaxDelayMs: 1 };

describe('DeliveryQueue', () => {
  it('sends at most `concurrency` requests at once over all devices, one at a time per device', async () => {
    const sends = new Sends();
    const queue = new DeliveryQueue(options);
    for (const [id, device] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
      ['c1', 'c'],
    ])
      await queue.take(sends.job(id, device));
    await settle();
    expect(sends.ids).toEqual(['a1', 'b1']);
    sends.answer('a1');
    await settle();
    expect(sends.ids).toEqual(['b1', 'c1']);
    sends.answer('c1');
    await settle();
    expect(sends.ids).toEqual(['b1', 'a2']);
    expect(queue.depth).toBe(2);
  });

  it("frees a device's slot while its retry waits, and keeps its later jobs behind the retried one", async () => {
    const sends = new Sends();
    const queue = new DeliveryQueue({ ...options, concurrency: 1, retryDelayMs: 30, retryMaxDelayMs: 30 });
    for (const [id, device] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
    ])
      await queue.take(sends.job(id, device));
    await settle();
    sends.answer('a1', { outcome: 'retry', reason: 'status 503' });
    await settle();
    expect(sends.ids).toEqual(['b1']);
    sends.answer('b1');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sends.ids).toEqual(['a1']);
  });

  it('finishes a job once delivered or given up, and makes room for the next taker', async () => {
    const sends = new Sends();
    const queue = new DeliveryQueue({ ...options, queueSize: 1 });
    const { finished } = await queue.take(sends.job('a1', 'a'));
    let second = false;
    const next = queue.take(sends.job('b1', 'b')).then(() => (second = true));
    await settle();
    expect(second).toBe(false);
    sends.answer('a1', { outcome: 'refused', status: 400 });
    await finished;
    await next;
    expect(second).toBe(true);
  });

  it('leaves what it holds unfinished when closed', async () => {
    const sends = new Sends();
    const queue = new DeliveryQueue(options);
    const { finished } = await queue.take(sends.job('a1', 'a'));
    let done = false;
    void finished.then(() => (done = true));
    await settle();
    queue.close();
    sends.answer('a1');
    await settle();
    expect(done).toBe(false);
  });
});
