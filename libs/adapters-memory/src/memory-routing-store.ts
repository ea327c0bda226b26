import type { RoutingStore, StoredRouting } from '@ocs/ports';

/**
 * The routing state of each tenant in memory (embedded mode), with the same conditional save. It keeps the state it
 * is given and gives that back, uncopied: a tenant's state is the biggest value of the routing path, copied at every
 * command, and its one user treats both as read-only (a router works on a copy of the state it loads, and saves a
 * new value each time), as it must with a store that serializes.
 */
export class MemoryRoutingStore implements RoutingStore {
  private readonly tenants = new Map<string, StoredRouting>();

  async load(tenant: string): Promise<StoredRouting | undefined> {
    const stored = this.tenants.get(tenant);
    return stored === undefined ? undefined : { ...stored };
  }

  async save(tenant: string, state: unknown, expectedRevision: number): Promise<boolean> {
    if ((this.tenants.get(tenant)?.revision ?? 0) !== expectedRevision) return false;
    this.tenants.set(tenant, { state, revision: expectedRevision + 1 });
    return true;
  }
}
