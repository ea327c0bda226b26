/**
 * The built-in routing's state, one document per tenant, written only on a condition: a save names the revision it
 * read, and succeeds only while that revision is still the stored one. A router that lost its turn (another replica
 * saved in between, or took over after a pause) is refused instead of overwriting, so an assignment is decided once.
 * A state given to `save` or received from `load` is the store's: the caller reads it and never changes it (a store
 * in memory keeps and hands out the very value, one on a server a serialized copy), so a busy tenant's document is
 * not copied twice more at every command.
 */
export interface StoredRouting {
  /** The state as JSON (the routing core's `RoutingState`); the store neither reads nor checks it. */
  readonly state: unknown;
  /** 1 for the first save, one more for each later one. */
  readonly revision: number;
}

export interface RoutingStore {
  /** The tenant's stored state; undefined before the first save. */
  load(tenant: string): Promise<StoredRouting | undefined>;
  /**
   * Saves `state` as revision `expectedRevision + 1` if the stored revision is `expectedRevision` (0: nothing stored
   * yet). Resolves false, changing nothing, when another save came first; rejects only when the store fails.
   */
  save(tenant: string, state: unknown, expectedRevision: number): Promise<boolean>;
}
