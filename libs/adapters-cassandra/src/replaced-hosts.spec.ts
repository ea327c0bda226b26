import { Client } from 'cassandra-driver';
import { EventEmitter } from 'node:events';
import { shutDownReplacedHosts } from './replaced-hosts';

/** The driver's own host map, as its control connection fills it (not declared in its types). */
interface WritableHostMap {
  set(address: string, host: unknown): void;
  removeMultiple(addresses: string[]): void;
}

/** A Host as the map and the shutdown see it. */
class FakeHost extends EventEmitter {
  readonly shutdown = jest.fn(async (_waitForPending: boolean) => undefined);
  constructor(readonly address: string) {
    super();
  }
}

describe('shutDownReplacedHosts', () => {
  let client: Client;
  let hosts: WritableHostMap;

  beforeEach(() => {
    client = new Client({ contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1' });
    shutDownReplacedHosts(client);
    hosts = client.hosts as unknown as WritableHostMap;
  });

  it('shuts down a Host the driver replaces by a new one at its address, and leaves the new one alone', () => {
    const lost = new FakeHost('127.0.0.1:9042');
    const other = new FakeHost('127.0.0.2:9042');
    hosts.set(lost.address, lost);
    hosts.set(other.address, other);
    const back = new FakeHost('127.0.0.1:9042');
    hosts.set(back.address, back);
    expect(lost.shutdown).toHaveBeenCalledWith(false);
    expect(back.shutdown).not.toHaveBeenCalled();
    expect(other.shutdown).not.toHaveBeenCalled();
    expect(client.hosts.get('127.0.0.1:9042')).toBe(back);
  });

  it('leaves a Host removed from the cluster to the driver, which drains and shuts it down itself', () => {
    const gone = new FakeHost('127.0.0.3:9042');
    hosts.set(gone.address, gone);
    hosts.removeMultiple([gone.address]);
    expect(client.hosts.get(gone.address)).toBeUndefined();
    expect(gone.shutdown).not.toHaveBeenCalled();
  });
});
