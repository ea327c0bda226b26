import type { FanOut } from '@ocs/ports';
import { eventually } from './event-bus.contract';
import { eachTest } from './fixture';

/**
 * The behaviour every FanOut adapter must show; run it against each adapter and its real server. `a` and `b` are
 * two handles on the same fan-out, as two processes would hold.
 */
export function fanOutContract(name: string, create: () => Promise<{ a: FanOut; b: FanOut; close?: () => Promise<void> }>): void {
  describe(`FanOut contract: ${name}`, () => {
    let a: FanOut;
    let b: FanOut;
    eachTest(create, (fixture) => ({ a, b } = fixture));

    it('delivers messages to subscribers of the channel on every handle, in publish order, text intact', async () => {
      const onB: string[] = [];
      const onA: string[] = [];
      const other: string[] = [];
      const unsubscribe = [
        await b.subscribe('party-1', (m) => void onB.push(m)),
        await a.subscribe('party-1', (m) => void onA.push(m)),
        await b.subscribe('party-2', (m) => void other.push(m)),
      ];
      const messages = Array.from({ length: 100 }, (_, i) => JSON.stringify({ n: i, text: 'héllo 👋🏽 مرحبا' }));
      for (const m of messages) await a.publish('party-1', m);
      // Published after the others on the same handle, so it arrives after them: then nothing else can.
      await a.publish('party-2', 'marker');
      await eventually(() => onB.length === 100 && onA.length === 100 && other.length === 1);
      expect(onB).toEqual(messages);
      expect(onA).toEqual(messages);
      expect(other).toEqual(['marker']);
      for (const u of unsubscribe) await u();
    });

    it('stops delivering to a handler once it unsubscribes, even messages in flight, and keeps delivering to the others', async () => {
      const gone: string[] = [];
      const late: string[] = [];
      const kept: string[] = [];
      let unsubscribing = false;
      const unsubscribeGone = await b.subscribe('party-1', (m) => void (unsubscribing ? late : gone).push(m));
      const unsubscribeKept = await b.subscribe('party-1', (m) => void kept.push(m));
      await a.publish('party-1', 'before');
      await eventually(() => gone.length === 1 && kept.length === 1);
      await a.publish('party-1', 'in flight');
      unsubscribing = true;
      await unsubscribeGone();
      await a.publish('party-1', 'after');
      await eventually(() => kept.length === 3);
      expect(kept).toEqual(['before', 'in flight', 'after']);
      expect(late).toEqual([]);
      await unsubscribeKept();
      await a.publish('party-1', 'unheard');
      const resubscribed: string[] = [];
      const unsubscribeAgain = await b.subscribe('party-1', (m) => void resubscribed.push(m));
      await a.publish('party-1', 'heard');
      await eventually(() => resubscribed.length === 1);
      expect(resubscribed).toEqual(['heard']);
      expect(kept).toHaveLength(3);
      await unsubscribeAgain();
    });

    it('keeps delivering after a handler fails', async () => {
      const got: string[] = [];
      const unsubscribe = [
        await b.subscribe('party-1', (m) => {
          if (m === 'bad') throw new Error('handler failure');
        }),
        await b.subscribe('party-1', (m) => void got.push(m)),
      ];
      await a.publish('party-1', 'bad');
      await a.publish('party-1', 'good');
      await eventually(() => got.length === 2);
      expect(got).toEqual(['bad', 'good']);
      for (const u of unsubscribe) await u();
    });
  });
}
