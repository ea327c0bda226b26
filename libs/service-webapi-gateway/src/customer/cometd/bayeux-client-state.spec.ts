import type { BayeuxMessage } from 'faye';
import { BayeuxClientState, type FayeEngineHost } from './bayeux-client-state';

/** A stand-in for faye's engine proxy: records events and deliveries; clients in `connected` have a connection. */
class Host implements FayeEngineHost {
  readonly events: unknown[][] = [];
  readonly delivered: Array<{ clientId: string; messages: BayeuxMessage[] }> = [];
  readonly connected = new Set<string>();

  constructor(readonly timeout?: number) {}

  trigger(event: string, ...args: unknown[]): void {
    this.events.push([event, ...args]);
  }

  hasConnection(clientId: string): boolean {
    return this.connected.has(clientId);
  }

  deliver(clientId: string, messages: BayeuxMessage[]): boolean {
    this.delivered.push({ clientId, messages });
    return true;
  }
}

function handshake(engine: BayeuxClientState): string {
  let id = '';
  engine.createClient((clientId) => (id = clientId));
  return id;
}

function exists(engine: BayeuxClientState, clientId: string): boolean {
  let result = false;
  engine.clientExists(clientId, (known) => (result = known));
  return result;
}

afterEach(() => {
  jest.useRealTimers();
});

describe('BayeuxClientState (faye engine)', () => {
  it('gives every client a distinct id of 31 base-36 characters, as faye does', () => {
    const host = new Host(30);
    const engine = BayeuxClientState.create(host);
    const ids = Array.from({ length: 500 }, () => handshake(engine));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{31}$/);
    expect(host.events.filter(([event]) => event === 'handshake')).toHaveLength(ids.length);
    expect(exists(engine, ids[0])).toBe(true);
    expect(exists(engine, 'unknown')).toBe(false);
    engine.disconnect();
  });

  it('queues a copy of a publish per subscriber until it has a connection, and leaves the data and the original alone', () => {
    const host = new Host(30);
    const engine = BayeuxClientState.create(host);
    const [a, b, c] = [handshake(engine), handshake(engine), handshake(engine)];
    engine.subscribe(a, '/x/1');
    engine.subscribe(b, '/x/*');
    engine.subscribe(c, '/y');
    host.connected.add(a);
    const data = { text: 'hi' };
    const message: BayeuxMessage = { channel: '/x/1', data, clientId: 'sender' };
    engine.publish(message, ['/x/1', '/x/*', '/**']);

    expect(host.delivered).toEqual([{ clientId: a, messages: [message] }]);
    const copy = host.delivered[0].messages[0];
    expect(copy).not.toBe(message);
    expect(copy.data).toBe(data);
    delete copy.clientId; // as faye's connection does on delivery
    expect(message.clientId).toBe('sender');

    engine.publish({ channel: '/x/1', data: 2 }, ['/x/1', '/x/*', '/**']);
    host.connected.add(b);
    engine.emptyQueue(b);
    expect(host.delivered.slice(2)).toEqual([
      {
        clientId: b,
        messages: [
          { channel: '/x/1', data, clientId: 'sender' },
          { channel: '/x/1', data: 2 },
        ],
      },
    ]);
    engine.emptyQueue(b);
    expect(host.delivered).toHaveLength(3);
    expect(host.events).toContainEqual(['publish', 'sender', '/x/1', data]);
    engine.disconnect();
  });

  it('reports subscribe and unsubscribe once per change, and destroyClient drops subscriptions with disconnect and close', () => {
    const host = new Host(30);
    const engine = BayeuxClientState.create(host);
    const id = handshake(engine);
    engine.subscribe(id, '/a');
    engine.subscribe(id, '/a');
    engine.subscribe(id, '/b');
    engine.unsubscribe(id, '/b');
    engine.unsubscribe(id, '/b');
    host.events.length = 0;
    engine.destroyClient(id);
    expect(host.events).toEqual([
      ['unsubscribe', id, '/a'],
      ['disconnect', id],
      ['close', id],
    ]);
    engine.publish({ channel: '/a', data: 1 }, ['/a']);
    expect(host.delivered).toEqual([]);
    engine.destroyClient(id);
    expect(host.events).toHaveLength(4); // the publish only
    expect(exists(engine, id)).toBe(false);
  });

  it('destroys a client 2 × timeout after its last ping, and each ping re-arms that', () => {
    jest.useFakeTimers();
    const host = new Host(10);
    const engine = BayeuxClientState.create(host);
    const id = handshake(engine);
    jest.advanceTimersByTime(15_000);
    engine.ping(id);
    jest.advanceTimersByTime(19_999);
    expect(exists(engine, id)).toBe(true);
    jest.advanceTimersByTime(1);
    expect(exists(engine, id)).toBe(false);
    expect(host.events).toContainEqual(['disconnect', id]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('forgets every client without events when faye closes', () => {
    jest.useFakeTimers();
    const host = new Host(10);
    const engine = BayeuxClientState.create(host);
    const id = handshake(engine);
    host.events.length = 0;
    engine.disconnect();
    expect(exists(engine, id)).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    expect(host.events).toEqual([]);
  });
});
