import type { Duplex } from 'node:stream';

/** Sockets holding back their writes until the end of this turn of the event loop (see `coalesceWrites`). */
const corked = new Set<Duplex>();
let flushScheduled = false;

function flushCorked(): void {
  flushScheduled = false;
  const sockets = [...corked];
  corked.clear();
  for (const socket of sockets) socket.uncork();
}

/**
 * Has the frames written to a WebSocket's socket during one turn of the event loop leave in one write system call
 * (`writev`) when the turn ends (`setImmediate`, after the I/O callbacks of the turn), instead of one `write` each:
 * faye and websocket-driver write every Bayeux frame by itself, and a customer's publish makes several (the publish
 * reply at once, then the operation's reply and the transcript push from promise continuations). A write system call
 * costs far more than the few hundred bytes of a frame (on loopback it also carries the receiver's TCP work: 13 % of
 * the server's busy time was in `writeBuffer` at 15,000 sessions). The bytes and the order of the frames are
 * unchanged; a frame waits at most for the rest of the turn.
 */
export function coalesceWrites(socket: Duplex): void {
  const write = socket.write;
  const coalescing = function (this: Duplex, ...args: unknown[]): boolean {
    if (!corked.has(socket) && socket.writable) {
      socket.cork();
      corked.add(socket);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushCorked);
      }
    }
    return Reflect.apply(write, this, args) as boolean;
  };
  socket.write = coalescing as Duplex['write'];
}

/** Writes out now what `socket` holds back (before it is destroyed, say). */
export function flushWrites(socket: Duplex): void {
  if (corked.delete(socket)) socket.uncork();
}
