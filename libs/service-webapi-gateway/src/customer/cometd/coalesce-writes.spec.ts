import { Duplex } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { coalesceWrites } from './coalesce-writes';

/** A socket stand-in recording each system-call-like write: `_write` (one chunk) or `_writev` (several). */
class RecordingSocket extends Duplex {
  readonly calls: string[][] = [];

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.calls.push([chunk.toString()]);
    callback();
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.calls.push(chunks.map(({ chunk }) => chunk.toString()));
    callback();
  }
}

describe('coalesceWrites', () => {
  it('sends what was written during one turn of the event loop in one write, in order, at the end of the turn', async () => {
    const socket = new RecordingSocket();
    const other = new RecordingSocket();
    coalesceWrites(socket);
    coalesceWrites(other);

    socket.write('a');
    other.write('x');
    socket.write(Buffer.from('b'));
    await Promise.resolve(); // a promise continuation in the same turn
    socket.write('c');
    expect(socket.calls).toEqual([]);

    await nextTurn();
    expect(socket.calls).toEqual([['a', 'b', 'c']]);
    expect(other.calls).toEqual([['x']]);

    socket.write('d', () => undefined);
    await nextTurn();
    expect(socket.calls).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('lets end() and destroy() of a socket with writes held back behave as before', async () => {
    const ended = new RecordingSocket();
    coalesceWrites(ended);
    ended.write('last');
    ended.end();
    expect(ended.calls).toEqual([['last']]);

    const destroyed = new RecordingSocket();
    coalesceWrites(destroyed);
    destroyed.write('lost');
    destroyed.destroy();
    await nextTurn();
    expect(destroyed.calls).toEqual([]);
    expect(destroyed.destroyed).toBe(true);
  });
});
