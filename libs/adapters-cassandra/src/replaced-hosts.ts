import type { Client, Host } from 'cassandra-driver';

/** What the driver's Host does but does not declare in its types. */
interface ClosableHost extends Host {
  shutdown(waitForPending: boolean): Promise<void>;
}

/**
 * Shuts down the Host objects the driver (4.10) replaces and then forgets. When its control connection finds every
 * node lost, it starts over from the contact points, and once it reaches a node again it puts a new Host for that
 * node in `client.hosts` without shutting the old one down: the old Host's pool keeps reconnecting and its health
 * timer (every 200 ms) keeps running for good, as `client.shutdown()` only reaches the Hosts in the map. Every return
 * from an outage of the whole cluster would leave one such Host behind, and keep the process from ever exiting.
 *
 * A Host the driver removes (a node gone from the cluster) it drains and shuts down itself; only a Host replaced by
 * another at the same address is shut down here.
 */
export function shutDownReplacedHosts(client: Client): void {
  client.hosts.on('remove', (host: ClosableHost) => {
    const current = client.hosts.get(host.address);
    // A pool that fails to close its connections has nothing more to release.
    if (current !== undefined && current !== host) host.shutdown(false).catch(() => undefined);
  });
}
