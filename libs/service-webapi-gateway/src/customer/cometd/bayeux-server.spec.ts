import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message } from 'cometd';
import WebSocket, { WebSocketServer } from 'ws';
import type { ClientGoneReason } from './bayeux-server';
import { createBayeuxServer } from './faye-bayeux-server';
import {
  adopt,
  CHANNEL,
  cleanups,
  connect,
  dataOf,
  disconnect,
  Inbox,
  publish,
  SERVICE,
  start,
  stopAll,
  subscribe,
  trackSockets,
  type TransportType,
} from './test/bayeux-harness';

afterEach(stopAll);

describe.each<TransportType>(['long-polling', 'websocket'])('BayeuxServer over %s', (transport) => {
  it('subscribes to the service channel, hands publishes to the handler and delivers replies to the listener', async () => {
    const h = await start();
    const client = await connect(h, transport);
    const inbox = new Inbox<Message>();

    const subscribed = await subscribe(client, CHANNEL, inbox);
    expect(subscribed).toMatchObject({ successful: true, channel: '/meta/subscribe', subscription: CHANNEL });

    const request = { operation: 'requestChat', nickname: 'Ann', userData: { topic: 'billing' } };
    const ack = await publish(client, CHANNEL, request);
    expect(ack).toMatchObject({ successful: true, channel: CHANNEL });

    expect(await h.published.take(1)).toEqual([{ clientId: client.id, serviceName: SERVICE, data: request }]);
    const [reply] = await inbox.take(1);
    expect(reply.channel).toBe(CHANNEL);
    expect(reply.data).toEqual({ echo: request });
    expect(h.bayeux.isConnected(client.id)).toBe(true);
  });

  it('delivers to one client only, never to another client on the same service channel', async () => {
    const h = await start();
    const alice = await connect(h, transport);
    const bob = await connect(h, transport);
    const aliceInbox = new Inbox<Message>();
    const bobInbox = new Inbox<Message>();
    expect((await subscribe(alice, CHANNEL, aliceInbox)).successful).toBe(true);
    expect((await subscribe(bob, CHANNEL, bobInbox)).successful).toBe(true);

    expect(await h.bayeux.deliver(alice.id, SERVICE, { to: 'alice' })).toBe(true);
    expect((await publish(alice, CHANNEL, { from: 'alice' })).successful).toBe(true);
    await aliceInbox.take(2);
    // Bob's queue is FIFO: had anything for Alice leaked to him, it would arrive before this marker.
    expect(await h.bayeux.deliver(bob.id, SERVICE, { to: 'bob' })).toBe(true);
    await bobInbox.take(1);

    expect(dataOf(aliceInbox)).toEqual([{ to: 'alice' }, { echo: { from: 'alice' } }]);
    expect(dataOf(bobInbox)).toEqual([{ to: 'bob' }]);
  });

  it('queues deliveries made while no connect is pending and keeps their order', async () => {
    const h = await start();
    const client = await connect(h, transport);
    const inbox = new Inbox<Message>();
    let burstSent: Promise<boolean[]> | undefined;
    await new Promise<Message>((resolve) =>
      client.subscribe(
        CHANNEL,
        (message) => {
          inbox.push(message);
          // The response carrying #1 has just been read: with long-polling no /meta/connect of this client is
          // pending on the server now (cometd.js sends the next one later), so #2..#4 must wait in faye's queue.
          if ((message.data as { seq: number }).seq === 1) {
            burstSent = Promise.all([2, 3, 4].map((seq) => h.bayeux.deliver(client.id, SERVICE, { seq })));
          }
        },
        resolve,
      ),
    );

    expect(await h.bayeux.deliver(client.id, SERVICE, { seq: 1 })).toBe(true);
    await inbox.take(4);
    expect(await burstSent).toEqual([true, true, true]);

    // Then a trickle spread over many connect cycles (one event-loop turn between deliveries).
    for (let seq = 5; seq <= 24; seq += 1) {
      expect(await h.bayeux.deliver(client.id, SERVICE, { seq })).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await inbox.take(24);
    expect(inbox.items.map((message) => (message.data as { seq: number }).seq)).toEqual(Array.from({ length: 24 }, (_, index) => index + 1));
    expect(inbox.items.every((message) => message.channel === CHANNEL)).toBe(true);
  });

  it('delivers to a client that publishes without subscribing (listener added with addListener)', async () => {
    const h = await start();
    const client = await connect(h, transport);
    const inbox = new Inbox<Message>();
    client.addListener(CHANNEL, (message) => inbox.push(message));

    const ack = await publish(client, CHANNEL, { operation: 'requestChat', nickname: 'Bo' });
    expect(ack.successful).toBe(true);
    expect(await h.published.take(1)).toEqual([{ clientId: client.id, serviceName: SERVICE, data: { operation: 'requestChat', nickname: 'Bo' } }]);
    const [reply] = await inbox.take(1);
    expect(reply).toMatchObject({ channel: CHANNEL, data: { echo: { operation: 'requestChat', nickname: 'Bo' } } });
  });

  it('pushes to a client that neither subscribed nor published', async () => {
    const h = await start();
    const client = await connect(h, transport);
    const inbox = new Inbox<Message>();
    client.addListener('/service/chatV2/other', (message) => inbox.push(message));

    expect(await h.bayeux.deliver(client.id, 'other', { pushed: 1 })).toBe(true);
    expect(await h.bayeux.deliver(client.id, 'other', { pushed: 2 })).toBe(true);
    await inbox.take(2);
    expect(inbox.items.map((message) => [message.channel, message.data])).toEqual([
      ['/service/chatV2/other', { pushed: 1 }],
      ['/service/chatV2/other', { pushed: 2 }],
    ]);
  });

  it('refuses private, wildcard and arbitrary channels, and a publish to another client reaches no one', async () => {
    const h = await start();
    const mallory = await connect(h, transport);
    const victim = await connect(h, transport);
    const victimInbox = new Inbox<Message>();
    expect((await subscribe(victim, CHANNEL, victimInbox)).successful).toBe(true);
    const victimPrivate = `/ocs-private/${victim.id}/${SERVICE}`;

    const malloryInbox = new Inbox<Message>();
    for (const channel of [
      victimPrivate,
      `/ocs-private/${mallory.id}/${SERVICE}`,
      '/ocs-private/**',
      '/foo',
      '/**',
      '/service/chatV2/*',
      '/service/chatV2/unknown-service',
      '/service/other/thing',
    ]) {
      const reply = await subscribe(mallory, channel, malloryInbox);
      expect({ channel, successful: reply.successful }).toEqual({ channel, successful: false });
      expect(reply.error).toMatch(/^403:/);
    }

    const stolen = await publish(mallory, victimPrivate, { evil: true });
    expect(stolen.successful).toBe(false);
    expect(stolen.error).toMatch(/^403:/);
    const elsewhere = await publish(mallory, '/foo', { evil: true });
    expect(elsewhere.successful).toBe(false);

    // Everything for the victim goes through one FIFO queue: the marker arrives after anything leaked.
    expect(await h.bayeux.deliver(victim.id, SERVICE, { marker: true })).toBe(true);
    await victimInbox.take(1);
    expect(dataOf(victimInbox)).toEqual([{ marker: true }]);
    expect(malloryInbox.items).toEqual([]);
    expect(h.published.items).toEqual([]);
  });

  it('reports a disconnecting client as gone and no longer connected', async () => {
    const h = await start();
    const client = await connect(h, transport);
    const other = await connect(h, transport);
    const gone = new Inbox<[string, ClientGoneReason]>();
    h.bayeux.onClientGone((clientId, reason) => gone.push([clientId, reason]));
    expect(h.bayeux.isConnected(client.id)).toBe(true);

    expect((await disconnect(client)).successful).toBe(true);
    expect(await gone.take(1)).toEqual([[client.id, 'disconnect']]);
    expect(h.bayeux.isConnected(client.id)).toBe(false);
    expect(h.bayeux.isConnected(other.id)).toBe(true);
    expect(await h.bayeux.deliver(client.id, SERVICE, { late: true })).toBe(false);
  });
});

describe('BayeuxServer lifecycle and HTTP server sharing', () => {
  it('reports a client that stops connecting as timed out', async () => {
    const h = await start({ timeoutSeconds: 0.1 }); // destroyed after 2 × 0.1 s without /meta/connect
    const gone = new Inbox<[string, ClientGoneReason]>();
    h.bayeux.onClientGone((clientId, reason) => gone.push([clientId, reason]));

    const response = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' }]),
    });
    const [handshake] = (await response.json()) as Array<{ successful: boolean; clientId: string }>;
    expect(handshake.successful).toBe(true);
    expect(h.bayeux.isConnected(handshake.clientId)).toBe(true);

    expect(await gone.take(1)).toEqual([[handshake.clientId, 'timeout']]);
    expect(h.bayeux.isConnected(handshake.clientId)).toBe(false);
  });

  it('keeps other HTTP routes and a ws endpoint registered before attach working', async () => {
    const h = await start({}, (server) => {
      server.on('request', (request, response) => {
        response.writeHead(request.url === '/health' ? 200 : 404).end(request.url === '/health' ? 'ok' : '');
      });
      const agents = new WebSocketServer({ server, path: '/agent/ws' });
      agents.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${String(data)}`)));
      cleanups.push(() => new Promise<void>((resolve) => agents.close(() => resolve())));
    });

    const health = await fetch(`http://127.0.0.1:${h.port}/health`);
    expect([health.status, await health.text()]).toEqual([200, 'ok']);

    const agent = new WebSocket(`ws://127.0.0.1:${h.port}/agent/ws`);
    await once(agent, 'open');
    agent.send('ping');
    const [data] = (await once(agent, 'message')) as [Buffer];
    expect(String(data)).toBe('echo:ping');
    agent.close();
    await once(agent, 'close');

    const client = await connect(h, 'websocket');
    const inbox = new Inbox<Message>();
    expect((await subscribe(client, CHANNEL, inbox)).successful).toBe(true);
    expect((await publish(client, CHANNEL, { hello: 'ws' })).successful).toBe(true);
    expect((await inbox.take(1)).map((message) => message.data)).toEqual([{ echo: { hello: 'ws' } }]);
  });

  it('closes unclaimed upgrades, and keeps working beside an upgrade listener added later that kills unknown paths', async () => {
    const h = await start();
    const bare = new WebSocket(`ws://127.0.0.1:${h.port}/nowhere`);
    const [error] = (await once(bare, 'error')) as [Error];
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);

    const agents = new WebSocketServer({ noServer: true });
    agents.on('connection', (socket) => socket.on('message', (data) => socket.send(`late:${String(data)}`)));
    cleanups.push(() => new Promise<void>((resolve) => agents.close(() => resolve())));
    // Like NestJS's WsAdapter: routes its own paths and destroys every other upgrade it sees.
    h.server.on('upgrade', (request, socket, head) => {
      if (request.url === '/agent/ws') agents.handleUpgrade(request, socket, head, (ws) => agents.emit('connection', ws));
      else socket.destroy();
    });

    const agent = new WebSocket(`ws://127.0.0.1:${h.port}/agent/ws`);
    await once(agent, 'open');
    agent.send('ping');
    const [data] = (await once(agent, 'message')) as [Buffer];
    expect(String(data)).toBe('late:ping');
    agent.close();
    await once(agent, 'close');

    const client = await connect(h, 'websocket');
    const inbox = new Inbox<Message>();
    expect((await subscribe(client, CHANNEL, inbox)).successful).toBe(true);
    expect(await h.bayeux.deliver(client.id, SERVICE, { after: 'late listener' })).toBe(true);
    expect((await inbox.take(1)).map((message) => message.data)).toEqual([{ after: 'late listener' }]);
  });

  it('answers a publish with an error when no handler is set, and restores the server listeners on close', async () => {
    const server = createServer((_request, response) => response.writeHead(418).end('teapot'));
    trackSockets(server);
    const original = server.listeners('request');
    const bayeux = createBayeuxServer({ mount: '/custom/cometd/' });
    bayeux.attach(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const harness = adopt({ server, bayeux, port, url: `http://127.0.0.1:${port}/custom/cometd`, published: new Inbox() });
    expect(bayeux.mount).toBe('/custom/cometd');

    const client = await connect(harness, 'long-polling');
    const ack = await publish(client, CHANNEL, { operation: 'requestChat' });
    expect(ack.successful).toBe(false);
    expect(ack.error).toMatch(/^503:/);
    await disconnect(client);

    const served = await fetch(`http://127.0.0.1:${port}/custom/cometd/client.js`);
    expect(served.status).toBe(418); // faye's static client files are not exposed

    await bayeux.close();
    expect(server.listeners('request')).toEqual(original);
    expect(server.listeners('upgrade')).toEqual([]);
    expect(Object.prototype.hasOwnProperty.call(server, 'emit')).toBe(false);
    const after = await fetch(`http://127.0.0.1:${port}/custom/cometd`, { method: 'POST', body: '[]' });
    expect(after.status).toBe(418);
  });
});
