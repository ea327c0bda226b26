/**
 * Message accounting of the load generator: every bench message carries a sequence number within its stream (one
 * sender in one session), and the receiver checks that each sent message arrives exactly once and in order.
 * Pure: no I/O, no clock.
 */

/** Counts of one stream, or the sum of several. */
export interface Tally {
  /** Messages the sender sent and the server did not refuse: each is expected to arrive once. */
  sent: number;
  /** Messages the server refused (an error reply): not expected to arrive. */
  refused: number;
  /** Distinct expected messages that arrived. */
  received: number;
  /** Expected messages that never arrived. */
  lost: number;
  /** Arrivals of a message that had already arrived. */
  duplicated: number;
  /** First arrivals of a message after a later one of the same stream. */
  reordered: number;
  /** Arrivals of a message that was never sent, or was refused. */
  unexpected: number;
}

export type Arrival = 'in-order' | 'duplicate' | 'reordered' | 'unexpected';

export function emptyTally(): Tally {
  return { sent: 0, refused: 0, received: 0, lost: 0, duplicated: 0, reordered: 0, unexpected: 0 };
}

/** `into` plus `more`, field by field (changes and returns `into`). */
export function addTally(into: Tally, more: Tally): Tally {
  for (const key of Object.keys(into) as Array<keyof Tally>) into[key] += more[key];
  return into;
}

/** One sender's messages as one receiver sees them. */
class Stream {
  private sent = 0;
  private readonly refused = new Set<number>();
  private readonly arrived = new Set<number>();
  private highest = 0;
  private readonly tally = emptyTally();

  send(): number {
    this.sent += 1;
    return this.sent;
  }

  refuse(seq: number): void {
    this.refused.add(seq);
  }

  receive(seq: number): Arrival {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.sent || this.refused.has(seq)) {
      this.tally.unexpected += 1;
      return 'unexpected';
    }
    if (this.arrived.has(seq)) {
      this.tally.duplicated += 1;
      return 'duplicate';
    }
    this.arrived.add(seq);
    if (seq < this.highest) {
      this.tally.reordered += 1;
      return 'reordered';
    }
    this.highest = seq;
    return 'in-order';
  }

  close(): Tally {
    const expected = this.sent - this.refused.size;
    return { ...this.tally, sent: expected, refused: this.refused.size, received: this.arrived.size, lost: expected - this.arrived.size };
  }
}

/**
 * The streams of a load generator, by stream id (e.g. `<sessionId>:toAgent`). The sender numbers each message with
 * `send`; the receiver reports each arrival with `receive`; `close` settles a stream once no more can arrive, counting
 * what never did as lost.
 */
export class MessageLedger {
  private readonly streams = new Map<string, Stream>();
  private readonly closed = emptyTally();

  /** The next sequence number of `stream`, from 1; the message counts as sent. */
  send(stream: string): number {
    return this.stream(stream).send();
  }

  /** The server refused message `seq` of `stream`: it is not expected to arrive. */
  refuse(stream: string, seq: number): void {
    this.stream(stream).refuse(seq);
  }

  receive(stream: string, seq: number): Arrival {
    return this.stream(stream).receive(seq);
  }

  /** Settles `stream`: its counts join the totals and it is forgotten. */
  close(stream: string): Tally {
    const tally = this.streams.get(stream)?.close() ?? emptyTally();
    this.streams.delete(stream);
    addTally(this.closed, tally);
    return tally;
  }

  /** Settles every stream still open and returns the totals. */
  finish(): Tally {
    for (const stream of [...this.streams.keys()]) this.close(stream);
    return { ...this.closed };
  }

  private stream(id: string): Stream {
    let stream = this.streams.get(id);
    if (!stream) {
      stream = new Stream();
      this.streams.set(id, stream);
    }
    return stream;
  }
}

const TEXT = /^bench (\d+) (\d+(?:\.\d+)?) /;

/**
 * The text of a bench message: its sequence number and send time (ms, from the sender's `performance.now()`), padded
 * with `x` to `bytes` characters (never shorter than the header).
 */
export function messageText(seq: number, sentAt: number, bytes: number): string {
  const head = `bench ${seq} ${sentAt.toFixed(3)} `;
  return head.padEnd(bytes, 'x');
}

/** The sequence number and send time of a bench message text, or undefined for any other text. */
export function parseMessageText(text: string | undefined): { seq: number; sentAt: number } | undefined {
  const match = text === undefined ? null : TEXT.exec(text);
  return match ? { seq: Number(match[1]), sentAt: Number(match[2]) } : undefined;
}
