import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@ocs/observability';
import type { Message } from 'cometd';
import WebSocket from 'ws';
import { CHANNEL, connect, Inbox, publish, start, stopAll, subscribe, type Harness } from './test/bayeux-harness';

afterEach(stopAll);
afterEach(() => jest.restoreAllMocks());

const MAX_BYTES = 4096;
const HANDSHAKE = { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling', 'callback-polling'] };

function post(h: Harness, body: unknown): Promise<Response> {
  return fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A raw WebSocket on the endpoint, open. */
async function openWs(h: Harness): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${h.port}${h.bayeux.mount}`);
  await once(ws, 'open');
  return ws;
}

function closeCodeOf(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.on('close', (code) => resolve(code)));
}

/**
 * Sends a POST of `total` bytes to the endpoint (Content-Length, or chunked), writing until the server answers or
 * closes; resolves with the status it answered, the bytes the client wrote by then, and once the connection closed.
 */
async function hugePost(h: Harness, total: number, chunked: boolean): Promise<{ status: number; written: number }> {
  const socket: Socket = connectTcp(h.port, '127.0.0.1');
  socket.on('error', () => undefined); // the server may reset a connection it stopped reading
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let response = '';
  socket.on('data', (data: Buffer) => (response += data.toString('latin1')));
  await once(socket, 'connect');
  const length = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${total}`;
  socket.write(`POST ${h.bayeux.mount} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${length}\r\n\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let written = 0;
  let ended = false;
  void closed.then(() => (ended = true));
  while (!ended && response === '' && written < total) {
    const piece = chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
    written += chunk.length;
    if (!socket.write(piece)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
  }
  await closed;
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0), written };
}

describe('CometD limits', () => {
  it.each([false, true])('refuses a 40 MB POST with 413 and cuts the connection early (chunked: %s)', async (chunked) => {
    const h = await start();
    const { status, written } = await hugePost(h, 40 * 1024 * 1024, chunked);
    expect(status).toBe(413);
    expect(written).toBeLessThan(8 * 1024 * 1024);
  });

  it('closes a WebSocket whose message is over the size limit with 1009, and other clients keep working', async () => {
    const h = await start({ maxRequestBytes: MAX_BYTES });
    const other = await connect(h, 'websocket');
    const inbox = new Inbox<Message>();
    expect((await subscribe(other, CHANNEL, inbox)).successful).toBe(true);

    const ws = await openWs(h);
    const code = closeCodeOf(ws);
    ws.send(JSON.stringify([{ ...HANDSHAKE, ext: 'x'.repeat(MAX_BYTES) }]));
    expect(await code).toBe(1009);

    expect((await publish(other, CHANNEL, { still: 'here' })).successful).toBe(true);
    expect((await inbox.take(1)).map((message) => message.data)).toEqual([{ echo: { still: 'here' } }]);
  });

  it('refuses a batch over cometd-max-batch (HTTP 400, WebSocket close 1008) and serves one at the cap', async () => {
    const h = await start({ maxBatch: 5 });
    const connects = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ channel: '/meta/connect', clientId: 'nobody', connectionType: 'long-polling', id: `${i}` }));

    const atCap = await post(h, connects(5));
    expect(atCap.status).toBe(200);
    expect(((await atCap.json()) as unknown[]).length).toBe(5);

    const over = await post(h, connects(6));
    expect(over.status).toBe(400);
    expect(await over.text()).toMatch(/batch of 6 messages over the limit of 5 \(cometd-max-batch\)/);

    const ws = await openWs(h);
    const code = closeCodeOf(ws);
    ws.send(JSON.stringify(connects(6)));
    expect(await code).toBe(1008);
  });

  it('refuses handshakes over the per-address limit with a Bayeux error and advice, and allows them after the interval', async () => {
    let now = 1_000_000;
    const h = await start({ handshakeLimit: 3, handshakeIntervalSeconds: 10, now: () => now });

    const first = (await (await post(h, [HANDSHAKE, HANDSHAKE, HANDSHAKE])).json()) as Message[];
    expect(first.map((reply) => reply.successful)).toEqual([true, true, true]);

    now += 4_000;
    const [refused] = (await (await post(h, [HANDSHAKE])).json()) as Message[];
    expect(refused).toMatchObject({ channel: '/meta/handshake', successful: false, advice: { reconnect: 'handshake', interval: 6_000 } });
    expect(refused.error).toMatch(/^429::.*cometd-handshake-limit/);
    expect(refused.clientId).toBeUndefined();

    now += 6_000;
    const [again] = (await (await post(h, [HANDSHAKE])).json()) as Message[];
    expect(again.successful).toBe(true);
  });

  it('serves callback-polling (JSONP) only when enabled, and offers it only then', async () => {
    const query = `?message=${encodeURIComponent(JSON.stringify([HANDSHAKE]))}&jsonp=cb`;
    const off = await start();
    const refused = await fetch(`${off.url}${query}`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/JSONP/);
    const [offered] = (await (await post(off, [HANDSHAKE])).json()) as Array<Message & { supportedConnectionTypes: string[] }>;
    expect(offered.supportedConnectionTypes).not.toContain('callback-polling');
    const [onlyJsonp] = (await (await post(off, [{ ...HANDSHAKE, supportedConnectionTypes: ['callback-polling'] }])).json()) as Message[];
    expect(onlyJsonp.successful).toBe(false);
    await stopAll();

    const on = await start({ jsonp: true });
    const served = await fetch(`${on.url}${query}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^text\/javascript/);
    const script = await served.text();
    expect(script).toMatch(/^\/\*\*\/cb\(\[.*\]\);$/);
    const [reply] = JSON.parse(script.slice('/**/cb('.length, -2)) as Array<Message & { supportedConnectionTypes: string[] }>;
    expect(reply.successful).toBe(true);
    expect(reply.supportedConnectionTypes).toContain('callback-polling');
  });

  it('logs a malformed WebSocket message as one redacted warning, rate-limited per address, and prints nothing', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    const printed = [
      jest.spyOn(process.stdout, 'write'),
      jest.spyOn(process.stderr, 'write'),
      jest.spyOn(console, 'log'),
      jest.spyOn(console, 'error'),
      jest.spyOn(console, 'warn'),
    ];
    let now = 1_000_000;
    const h = await start({ logger: createLogger({ service: 'test' }, destination), now: () => now });
    const forged = 'secret-frame\n{"level":"error","msg":"forged"} not json';

    const badFrame = async (): Promise<number> => {
      const ws = await openWs(h);
      const code = closeCodeOf(ws);
      ws.send(forged);
      return code;
    };
    expect(await badFrame()).toBe(1007);
    expect(await badFrame()).toBe(1007); // within the interval: counted, not written
    now += 10_000;
    expect(await badFrame()).toBe(1007);

    for (const spy of printed) expect(spy).not.toHaveBeenCalled();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      msg: 'cometd WebSocket message refused',
      remoteAddress: '127.0.0.1',
      reason: 'not JSON',
      length: forged.length,
    });
    expect(lines[0].suppressed).toBeUndefined();
    expect(lines[1]).toMatchObject({ level: 'warn', reason: 'not JSON', suppressed: 1 });
    expect(JSON.stringify(lines)).not.toMatch(/secret-frame|forged/);
  });
});
