// A bare agent WebSocket client, for trying the agent API by hand (docs/api/agent-websocket.md): connects, sends
// each line typed on stdin as one text frame (one JSON request per line) and prints each frame that arrives on a line
// of its own, after "< ". Ends when the server closes the connection, or closes it at the end of stdin (Ctrl-D).
//
//   npm run agent                                   ws://127.0.0.1:8080/agent/ws, the default address
//   npm run agent -- ws://<host>:<port>/agent/ws    another address
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';

const url = process.argv[2] ?? 'ws://127.0.0.1:8080/agent/ws';
const note = (text: string) => process.stderr.write(`[agent] ${text}\n`);

const socket = new WebSocket(url);
socket.on('open', () => {
  note(`connected to ${url}; type one JSON request per line`);
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    if (line.trim() !== '') socket.send(line.trim());
  });
  input.on('close', () => socket.close(1000));
});
socket.on('message', (data) => process.stdout.write(`< ${data.toString()}\n`));
socket.on('close', (code, reason) => {
  note(`closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`);
  process.exit(0);
});
socket.on('error', (error) => {
  note(`${url}: ${error.message}`);
  process.exit(1);
});
