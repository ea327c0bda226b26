import {
  newInteractionId,
  UnknownInteractionError,
  type BusRecord,
  type BusSubscription,
  type EventBus,
  type InteractionInfo,
  type InteractionProperties,
  type InteractionServer,
  type SubmitRequest,
} from '@ocs/ports';
import type { types } from 'cassandra-driver';
import { statementOptions, type CassandraContext } from './cassandra-options';
import { readInteractionEvent, TOPICS, type InteractionEventRecord } from '@ocs/contracts';

export interface CassandraInteractionServerOptions {
  /**
   * Hears of an onStopped handler that failed (the others run regardless), of a subscription that could not start, or
   * of a malformed stop record (skipped).
   */
  readonly onError?: (error: unknown, interactionId?: string) => void;
  /** Consumer group of the stop records: one member of it (one node) handles each stop. Default `interaction-server-stops`. */
  readonly group?: string;
}

type StoppedHandler = (interactionId: string) => void | Promise<void>;

/**
 * The shared interaction queue of the cluster mode, which every session-engine node and gateway uses alike:
 * interactions in the `interactions` table (deploy/cassandra/interaction-tables.cql), each session's interaction in
 * `interactions_by_session`, claimed with `INSERT ... IF NOT EXISTS` so nodes submitting one session at once end
 * with one interaction. Stops by someone else go through the bus (`TOPICS.interactionEvents`) to the one node of the
 * consumer group that hears of them. It does not route, and has no router surface: listing the waiting interactions
 * of a queue would need a table per queue kept in step with every change of state.
 */
export class CassandraInteractionServer implements InteractionServer {
  private readonly cql: Record<'insert' | 'claim' | 'bySession' | 'discard' | 'select' | 'merge' | 'markStopped', string>;
  private readonly handlers: StoppedHandler[] = [];
  private readonly onError: (error: unknown, interactionId?: string) => void;
  private readonly group: string;
  private subscription: Promise<BusSubscription | undefined> | undefined;

  constructor(
    private readonly cassandra: CassandraContext,
    private readonly bus: EventBus,
    { onError = () => undefined, group = 'interaction-server-stops' }: CassandraInteractionServerOptions = {},
  ) {
    this.onError = onError;
    this.group = group;
    const interactions = `${cassandra.keyspace}.interactions`;
    const bySession = `${cassandra.keyspace}.interactions_by_session`;
    this.cql = {
      insert: `INSERT INTO ${interactions} (id, tenant_dbid, queue, session_id, properties, state, submitted_at) VALUES (?, ?, ?, ?, ?, 'queued', ?)`,
      claim: `INSERT INTO ${bySession} (session_id, interaction_id) VALUES (?, ?) IF NOT EXISTS`,
      bySession: `SELECT interaction_id FROM ${bySession} WHERE session_id = ?`,
      discard: `DELETE FROM ${interactions} WHERE id = ?`,
      select: `SELECT id, tenant_dbid, queue, session_id, properties, state, submitted_at FROM ${interactions} WHERE id = ?`,
      merge: `UPDATE ${interactions} SET properties = properties + ? WHERE id = ?`,
      markStopped: `UPDATE ${interactions} SET state = 'stopped' WHERE id = ?`,
    };
  }

  /**
   * Writes the interaction first, then claims the session for it: whoever finds the session's claim finds its
   * interaction. A submit that loses the claim deletes its own interaction and answers the winner's.
   */
  async submit({ tenantDbid, queue, sessionId, properties }: SubmitRequest): Promise<{ interactionId: string }> {
    const repeated = (await this.read(this.cql.bySession, sessionId))?.get('interaction_id');
    if (typeof repeated === 'string') return { interactionId: repeated };
    const interactionId = newInteractionId();
    await this.write(this.cql.insert, [interactionId, tenantDbid, queue, sessionId, properties, new Date()]);
    const claim = await this.write(this.cql.claim, [sessionId, interactionId]);
    // A claim the driver retried after a timeout finds itself: the session is this interaction's all the same.
    const winner: string = claim.wasApplied() ? interactionId : claim.first().get('interaction_id');
    if (winner !== interactionId) await this.write(this.cql.discard, [interactionId]);
    return { interactionId: winner };
  }

  async updateProperties(interactionId: string, properties: InteractionProperties): Promise<void> {
    await this.find(interactionId);
    await this.write(this.cql.merge, [properties, interactionId]);
  }

  async stop(interactionId: string, _reason: string): Promise<void> {
    await this.find(interactionId);
    await this.write(this.cql.markStopped, [interactionId]);
  }

  /**
   * Routing (or a desktop) stops an interaction: a stop record goes on the bus, then the interaction is marked
   * stopped (in this order, so a retry after a failure in between announces it again rather than never). Stopping
   * a stopped interaction changes nothing and tells no one.
   */
  async stopExternally(interactionId: string): Promise<void> {
    if ((await this.find(interactionId)).state === 'stopped') return;
    const value: InteractionEventRecord = { type: 'stopped', interactionId };
    await this.bus.publish([{ topic: TOPICS.interactionEvents, key: interactionId, value }]);
    await this.write(this.cql.markStopped, [interactionId]);
  }

  /** The first handler subscribes this instance to the stop records, in the consumer group of the options. */
  onStopped(handler: StoppedHandler): void {
    this.handlers.push(handler);
    this.subscription ??= this.bus
      .subscribe(TOPICS.interactionEvents, this.group, (record) => this.heard(record))
      .catch((error: unknown) => {
        this.onError(error);
        return undefined;
      });
  }

  async interactionOf(sessionId: string): Promise<string | undefined> {
    const id: unknown = (await this.read(this.cql.bySession, sessionId))?.get('interaction_id');
    return typeof id === 'string' ? id : undefined;
  }

  async get(interactionId: string): Promise<InteractionInfo | undefined> {
    const row = await this.read(this.cql.select, interactionId);
    return (
      row && {
        interactionId,
        tenantDbid: row.get('tenant_dbid'),
        queue: row.get('queue'),
        sessionId: row.get('session_id'),
        properties: row.get('properties') ?? {},
        submittedAt: (row.get('submitted_at') as Date).getTime(),
        state: row.get('state'),
      }
    );
  }

  /** Stops hearing of stops: closes this instance's subscription, if any (the bus stays open). */
  async close(): Promise<void> {
    await (await this.subscription)?.close();
  }

  private async heard(record: BusRecord): Promise<void> {
    const read = readInteractionEvent(record.value);
    if ('ignored' in read) return;
    if ('problem' in read) return this.onError(new Error(`malformed ${TOPICS.interactionEvents} record skipped: ${read.problem}`), record.key);
    const { value } = read;
    const results = await Promise.allSettled(this.handlers.map(async (handler) => handler(value.interactionId)));
    for (const result of results) if (result.status === 'rejected') this.onError(result.reason, value.interactionId);
  }

  private async find(interactionId: string): Promise<InteractionInfo> {
    const info = await this.get(interactionId);
    if (!info) throw new UnknownInteractionError(interactionId);
    return info;
  }

  private async read(query: string, key: string): Promise<types.Row | undefined> {
    const { client, readConsistency } = this.cassandra;
    return (await client.execute(query, [key], statementOptions(readConsistency))).first() ?? undefined;
  }

  private async write(query: string, params: unknown[]): Promise<types.ResultSet> {
    const { client, writeConsistency } = this.cassandra;
    return client.execute(query, params, statementOptions(writeConsistency));
  }
}
