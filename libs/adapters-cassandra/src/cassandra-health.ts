import { EventEmitter } from 'node:events';

const HOST_EVENTS = ['hostUp', 'hostDown', 'hostAdd', 'hostRemove'] as const;
type HostEvent = (typeof HOST_EVENTS)[number];

/** What the watcher needs of the driver's `Client`: its hosts and their events. */
export interface WatchedClient {
  hosts: { values(): Array<{ isUp(): boolean }> };
  on(event: HostEvent, listener: () => void): unknown;
  off(event: HostEvent, listener: () => void): unknown;
}

/**
 * Cassandra as a whole: `unavailable` when the last host the driver knows goes down, `available` when one comes
 * back (the driver reconnects by itself). Chat Server logs these as 59520 and 59521. Watch a connected client.
 */
export class CassandraHealth extends EventEmitter<{ unavailable: []; available: [] }> {
  private available: boolean;
  private readonly check = (): void => {
    const available = this.anyHostUp();
    if (available === this.available) return;
    this.available = available;
    this.emit(available ? 'available' : 'unavailable');
  };

  constructor(private readonly client: WatchedClient) {
    super();
    this.available = this.anyHostUp();
    for (const event of HOST_EVENTS) client.on(event, this.check);
  }

  isAvailable(): boolean {
    return this.available;
  }

  /** Stops watching the client. */
  close(): void {
    for (const event of HOST_EVENTS) this.client.off(event, this.check);
  }

  private anyHostUp(): boolean {
    return this.client.hosts.values().some((host) => host.isUp());
  }
}
