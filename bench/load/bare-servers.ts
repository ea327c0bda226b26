/**
 * The baselines (`node bare-servers.js http|ws`, forked by the bench parent, which it tells its port): what bare
 * Node.js does with the same client work, on the same machine.
 * - `http`: answers every POST by parsing its form body and replying with a GMS-shaped JSON (a chat that has
 *   nothing new), as the product answers `refresh`.
 * - `ws`: a relay: clients connect as `?pair=<id>&role=customer|agent` and each text goes to the other of its pair.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** What the bare HTTP server answers: the product's reply to a refresh with nothing new, in size and shape. */
function reply(form: URLSearchParams): string {
  return JSON.stringify({
    statusCode: 0,
    alias: form.get('alias') ?? '1',
    chatEnded: false,
    chatId: 'B0B0B0B0B0B0B0B0',
    userId: form.get('userId') ?? 'C0C0C0C0C0C0C0C0',
    secureKey: form.get('secureKey') ?? '0123456789abcdef0123456789abcdef',
    nextPosition: Number(form.get('transcriptPosition') ?? 2),
    monitored: false,
    messages: [],
  });
}

function answer(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = reply(new URLSearchParams(Buffer.concat(chunks).toString()));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

function relay(server: ReturnType<typeof createServer>): void {
  const pairs = new Map<string, Partial<Record<string, WebSocket>>>();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    const query = new URL(req.url ?? '/', 'http://bare').searchParams;
    const id = query.get('pair') ?? '';
    const role = query.get('role') === 'agent' ? 'agent' : 'customer';
    const other = role === 'agent' ? 'customer' : 'agent';
    const pair = pairs.get(id) ?? {};
    pair[role] = ws;
    pairs.set(id, pair);
    ws.on('message', (data, isBinary) => pair[other]?.send(data, { binary: isBinary }));
    ws.on('close', () => {
      delete pair[role];
      if (!pair[other]) pairs.delete(id);
    });
  });
}

const kind = process.argv[2];
const server = createServer(kind === 'http' ? answer : (_req, res) => res.writeHead(404).end());
if (kind === 'ws') relay(server);
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('SIGTERM', () => process.exit(0));
