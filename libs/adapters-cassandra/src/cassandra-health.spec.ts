import { EventEmitter } from 'node:events';
import { CassandraHealth } from './cassandra-health';

/** The driver's client as the watcher sees it: hosts that go up and down, announced by host events. */
class FakeClient extends EventEmitter {
  readonly up = new Map<string, boolean>();
  readonly hosts = { values: () => [...this.up.values()].map((up) => ({ isUp: () => up })) };

  set(address: string, up: boolean, event: 'hostUp' | 'hostDown' | 'hostAdd'): void {
    this.up.set(address, up);
    this.emit(event);
  }
}

describe('CassandraHealth', () => {
  let client: FakeClient;
  let health: CassandraHealth;
  let transitions: string[];

  beforeEach(() => {
    client = new FakeClient();
    client.up.set('10.0.0.1', true);
    client.up.set('10.0.0.2', true);
    health = new CassandraHealth(client);
    transitions = [];
    health.on('unavailable', () => transitions.push('unavailable'));
    health.on('available', () => transitions.push('available'));
  });

  it('is available while one host is up and tells the transitions only when all hosts are down or one is back', () => {
    expect(health.isAvailable()).toBe(true);
    client.set('10.0.0.1', false, 'hostDown');
    expect(transitions).toEqual([]);
    client.set('10.0.0.2', false, 'hostDown');
    expect(transitions).toEqual(['unavailable']);
    expect(health.isAvailable()).toBe(false);
    client.set('10.0.0.2', false, 'hostDown');
    client.set('10.0.0.3', false, 'hostAdd');
    expect(transitions).toEqual(['unavailable']);
    client.set('10.0.0.1', true, 'hostUp');
    client.set('10.0.0.2', true, 'hostUp');
    expect(transitions).toEqual(['unavailable', 'available']);
    expect(health.isAvailable()).toBe(true);
  });

  it('forgets hosts the driver removed from the cluster', () => {
    client.up.delete('10.0.0.1');
    client.emit('hostRemove');
    expect(transitions).toEqual([]);
    client.set('10.0.0.2', false, 'hostDown');
    expect(transitions).toEqual(['unavailable']);
  });

  it('starts unavailable when no host is up, and stops listening when closed', () => {
    client.set('10.0.0.1', false, 'hostDown');
    client.set('10.0.0.2', false, 'hostDown');
    expect(new CassandraHealth(client).isAvailable()).toBe(false);
    health.close();
    client.set('10.0.0.1', true, 'hostUp');
    expect(transitions).toEqual(['unavailable']);
    expect(client.listenerCount('hostUp')).toBe(1);
  });
});
