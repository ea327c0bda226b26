import { MessageLedger, messageText, parseMessageText } from './accounting';

/** Sends `count` messages on stream `s` and delivers them in the order of `arrivals`, then settles the stream. */
function deliver(count: number, arrivals: number[]) {
  const ledger = new MessageLedger();
  for (let i = 0; i < count; i++) ledger.send('s');
  const outcomes = arrivals.map((seq) => ledger.receive('s', seq));
  return { outcomes, tally: ledger.close('s') };
}

describe('message accounting', () => {
  it('counts every message that arrived once and in order, and nothing else', () => {
    const { outcomes, tally } = deliver(3, [1, 2, 3]);
    expect(outcomes).toEqual(['in-order', 'in-order', 'in-order']);
    expect(tally).toEqual({ sent: 3, refused: 0, received: 3, lost: 0, duplicated: 0, reordered: 0, unexpected: 0 });
  });

  it('detects a lost message', () => {
    expect(deliver(3, [1, 3]).tally).toMatchObject({ sent: 3, received: 2, lost: 1, duplicated: 0, reordered: 0 });
  });

  it('detects a lost last message, which no later arrival reveals', () => {
    expect(deliver(3, [1, 2]).tally).toMatchObject({ lost: 1, reordered: 0 });
  });

  it('detects a duplicated message', () => {
    const { outcomes, tally } = deliver(3, [1, 2, 2, 3]);
    expect(outcomes[2]).toBe('duplicate');
    expect(tally).toMatchObject({ received: 3, lost: 0, duplicated: 1, reordered: 0 });
  });

  it('detects a reordered message', () => {
    const { outcomes, tally } = deliver(3, [1, 3, 2]);
    expect(outcomes).toEqual(['in-order', 'in-order', 'reordered']);
    expect(tally).toMatchObject({ received: 3, lost: 0, duplicated: 0, reordered: 1 });
  });

  it('does not expect a refused message, and flags one that was never sent', () => {
    const ledger = new MessageLedger();
    ledger.send('s');
    const refused = ledger.send('s');
    ledger.refuse('s', refused);
    expect(ledger.receive('s', 1)).toBe('in-order');
    expect(ledger.receive('s', 7)).toBe('unexpected');
    expect(ledger.receive('other', 1)).toBe('unexpected');
    expect(ledger.finish()).toEqual({ sent: 1, refused: 1, received: 1, lost: 0, duplicated: 0, reordered: 0, unexpected: 2 });
  });

  it('sums the streams it settles', () => {
    const ledger = new MessageLedger();
    for (const stream of ['a', 'b']) for (let i = 0; i < 2; i++) ledger.send(stream);
    ledger.receive('a', 2);
    ledger.receive('a', 1);
    ledger.receive('b', 1);
    expect(ledger.finish()).toMatchObject({ sent: 4, received: 3, lost: 1, reordered: 1 });
  });

  it('carries the sequence number and send time in the message text, padded to the message size', () => {
    const text = messageText(12, 3456.789, 64);
    expect(text).toHaveLength(64);
    expect(parseMessageText(text)).toEqual({ seq: 12, sentAt: 3456.789 });
    expect(parseMessageText('Hello, how can I help?')).toBeUndefined();
  });
});
