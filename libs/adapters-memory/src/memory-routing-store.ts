import type { RoutingStore, StoredRouting } from '@ocs/ports';

/** The routing state of each tenant in memory (embedded mode): a copy in, a copy out, the same conditional save. */
export class MemoryRoutingStore implements RoutingStore {
  private readonly tenants = new Map<string, StoredRouting>();

  async load(tenant: string): Promise<StoredRouting | undefined> {
    const stored = this.tenants.get(tenant);
    return stored === undefined ? undefined : { state: structuredClone(stored.state), revision: stored.revision };
  }

  async save(tenant: string, state: unknown, expectedRevision: number): Promise<boolean> {
    if ((this.tenants.get(tenant)?.revision ?? 0) !== expectedRevision) return false;
    this.tenants.set(tenant, { state: structuredClone(state), revision: expectedRevision + 1 });
    return true;
  }
}
