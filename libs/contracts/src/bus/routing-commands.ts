import { z } from 'zod';
import { readRecord, type Read } from './record-contract';

/**
 * A record of `TOPICS.routingCommands` (schema version 1), keyed by tenant dbid: what the built-in routing is asked
 * to do, by agents (presence, offers, picks, transfers) and by the chat server (a new interaction, one that left).
 * Keyed by tenant so that one member of the routing consumer group applies a tenant's commands in order.
 * `commandId` is unique per command and stable across redeliveries: routing remembers the ids it applied, so a
 * replayed record changes nothing. `agentId` on an agent's command is the agent it comes from (the gateway sets it
 * from the connection, never from the client).
 */
export type RoutingCommandRecord = z.infer<typeof routingCommandSchema>;

const id = z.string().min(1).max(256);
const base = { commandId: id, tenant: z.number().int().nonnegative(), at: z.number() };
const agent = { ...base, agentId: id };
const levels = z.record(z.string().min(1).max(128), z.number());

export const routingCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('login'),
    ...agent,
    capacity: levels,
    skills: levels,
    queues: z.array(id),
    ready: z.boolean().optional(),
    notReadyReason: z.string().max(64).optional(),
  }),
  z.object({ type: z.literal('ready'), ...agent }),
  z.object({ type: z.literal('not-ready'), ...agent, reason: z.string().max(64).optional() }),
  z.object({ type: z.literal('connection-lost'), ...agent }),
  z.object({ type: z.literal('reconnect'), ...agent }),
  z.object({ type: z.literal('logout'), ...agent }),
  z.object({ type: z.literal('accept'), ...agent, offerId: id }),
  z.object({ type: z.literal('decline'), ...agent, offerId: id }),
  z.object({ type: z.literal('pick'), ...agent, interactionId: id }),
  z.object({ type: z.literal('view'), ...agent, queue: id }),
  z.object({ type: z.literal('transfer'), ...agent, interactionId: id, queue: id.optional(), targetAgentId: id.optional() }),
  z.object({ type: z.literal('enqueue'), ...base, interactionId: id, queue: id, mediaType: id }),
  z.object({ type: z.literal('remove'), ...base, interactionId: id, cause: z.enum(['abandoned', 'stopped']) }),
]);

export const ROUTING_COMMAND_TYPES = routingCommandSchema.options.map((o) => o.shape.type.value);

export function readRoutingCommand(value: unknown): Read<RoutingCommandRecord> {
  return readRecord(routingCommandSchema, ROUTING_COMMAND_TYPES, value);
}

/** The fan-out channel on which routing speaks to one agent, wherever its WebSocket is held. */
export function routingAgentChannel(tenant: number, agentId: string): string {
  return `ocs.routing.agent.${tenant}.${agentId}`;
}

/**
 * What routing tells an agent (JSON on its fan-out channel; the gateway passes it on as a `routing` event):
 * - `offer`: a chat offered, to accept or decline before `expiresAt`; the same offer may come again after another
 *   routing replica took over (same `offerId`: drop duplicates);
 * - `offer-ended`: an offer no longer open (declined, not answered, withdrawn as the agent went not ready or away);
 * - `routed`: the chat is the agent's: `join` is the agent request that joins its session;
 * - `returned`: a chat of the agent's went back to its queue (the agent was gone);
 * - `presence`: the agent's routing state after a presence command;
 * - `queue`: the chats waiting in a queue, in the order they would be served (the manual pick's view);
 * - `done`: a command of the agent's (decline, transfer) was carried out;
 * - `refused`: a command of the agent's was refused, with the routing core's code and a message naming the problem.
 * `commandId`, where present, is that of the agent's request that caused the message.
 */
export type RoutingAgentMessage =
  | { type: 'offer'; offerId: string; interactionId: string; queue: string; expiresAt: number; waitMs: number; sessionId?: string }
  | { type: 'offer-ended'; interactionId: string; queue: string; reason: string }
  | {
      type: 'routed';
      commandId?: string;
      interactionId: string;
      queue: string;
      sessionId: string;
      join: { type: 'join'; sessionId: string; userData: Record<string, string> };
    }
  | { type: 'returned'; interactionId: string; queue: string; reason: string }
  | { type: 'presence'; commandId?: string; agent: Record<string, unknown> | null }
  | { type: 'queue'; commandId: string; queue: string; waiting: Array<{ interactionId: string; priority: number; enqueuedAt: number }> }
  | { type: 'refused'; commandId: string; code: string; message: string }
  | { type: 'done'; commandId: string };
