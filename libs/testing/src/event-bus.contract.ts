import type { BusRecord, EventBus } from '@ocs/ports';
import { eachTest } from './fixture';

/** Waits until `predicate` holds, polling the event loop; fails after `ms`. */
export async function eventually(predicate: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The behaviour every EventBus adapter must show; run it against each adapter and its real broker. */
export function eventBusContract(name: string, create: () => Promise<{ bus: EventBus; topic: string; close?: () => Promise<void> }>): void {
  describe(`EventBus contract: ${name}`, () => {
    let bus: EventBus;
    let topic: string;
    /** Group names of this test only: a broker keeps its groups between tests and runs. */
    const group = (name: string): string => `${topic}.${name}`;

    eachTest(create, (fixture) => ({ bus, topic } = fixture));

    it('delivers records of one key in publish order, values intact', async () => {
      const got: BusRecord[] = [];
      const sub = await bus.subscribe(topic, group('order'), (r) => void got.push(r));
      const records = Array.from({ length: 20 }, (_, i) => ({ topic, key: 'session-1', value: { n: i, text: 'ü😀' } }));
      await bus.publish(records);
      await eventually(() => got.length === 20);
      expect(got.map((r) => r.value)).toEqual(records.map((r) => r.value));
      expect(got.every((r) => r.key === 'session-1' && r.topic === topic)).toBe(true);
      await sub.close();
    });

    it("tells where each delivered record sits: one key's records share a partition, at increasing offsets, the same in every group", async () => {
      const [a, b]: BusRecord[][] = [[], []];
      const subs = [await bus.subscribe(topic, group('pos-a'), (r) => void a.push(r)), await bus.subscribe(topic, group('pos-b'), (r) => void b.push(r))];
      await bus.publish(Array.from({ length: 5 }, (_, i) => ({ topic, key: 'session-pos', value: { n: i } })));
      await eventually(() => a.length === 5 && b.length === 5);
      const offsets = a.map((r) => BigInt(r.offset ?? -1));
      expect(offsets.every((offset, i) => offset >= 0n && (i === 0 || offset > offsets[i - 1]))).toBe(true);
      expect(new Set(a.map((r) => r.partition)).size).toBe(1);
      expect(Number.isInteger(a[0].partition)).toBe(true);
      expect(b.map((r) => [r.partition, r.offset])).toEqual(a.map((r) => [r.partition, r.offset]));
      await Promise.all(subs.map((s) => s.close()));
    });

    it('gives every group each record, and each record to one member of a group', async () => {
      const a1: unknown[] = [];
      const a2: unknown[] = [];
      const b: unknown[] = [];
      const subs = [
        await bus.subscribe(topic, group('a'), (r) => void a1.push(r.value)),
        await bus.subscribe(topic, group('a'), (r) => void a2.push(r.value)),
        await bus.subscribe(topic, group('b'), (r) => void b.push(r.value)),
      ];
      await bus.publish(Array.from({ length: 10 }, (_, i) => ({ topic, key: `k${i}`, value: i })));
      await eventually(() => b.length === 10 && a1.length + a2.length === 10);
      expect([...a1, ...a2].sort()).toEqual(b.slice().sort());
      for (const s of subs) await s.close();
    });

    it('keeps delivering after a handler fails, and does not deliver the failed record again', async () => {
      const got: unknown[] = [];
      const sub = await bus.subscribe(topic, group('fail'), (r) => {
        got.push(r.value);
        if (r.value === 'bad') throw new Error('handler failure');
      });
      await bus.publish([
        { topic, key: 'k', value: 'bad' },
        { topic, key: 'k', value: 'good' },
      ]);
      await eventually(() => got.includes('good'));
      expect(got).toEqual(['bad', 'good']);
      await sub.close();
    });

    it('goes on to the next records of a key while a taken record is not handled yet, and reports a taken record that failed', async () => {
      const got: unknown[] = [];
      let finish!: () => void;
      const first = new Promise<void>((resolve) => (finish = resolve));
      const sub = await bus.subscribe(topic, group('taken'), (r) => {
        got.push(r.value);
        if (r.value === 'first') return { handled: first };
        if (r.value === 'failing') return { handled: Promise.reject(new Error('delivery failure')) };
      });
      await bus.publish(['first', 'failing', 'second'].map((value) => ({ topic, key: 'k', value })));
      await eventually(() => got.length === 3);
      expect(got).toEqual(['first', 'failing', 'second']);
      finish();
      await sub.close();
    });

    it('hands the records of a closed member to the rest of its group, and none to the closed one', async () => {
      const closed: unknown[] = [];
      const open: unknown[] = [];
      const leaving = await bus.subscribe(topic, group('leave'), (r) => void closed.push(r.value));
      const staying = await bus.subscribe(topic, group('leave'), (r) => void open.push(r.value));
      await leaving.close();
      await bus.publish(Array.from({ length: 10 }, (_, i) => ({ topic, key: `k${i}`, value: i })));
      await eventually(() => open.length === 10);
      expect(closed).toEqual([]);
      await staying.close();
    });
  });
}
