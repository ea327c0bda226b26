import type { RoutingAgentMessage } from '@ocs/contracts';
import { z } from 'zod';
import type { RequestId } from './events';

/**
 * Requests of the built-in routing on the agent WebSocket (our extension, docs/api/agent-websocket.md): presence,
 * offers, the manual pick and transfers. Checked here, so a bad one is refused at once naming the field; what only
 * routing can judge (an unknown queue, an expired offer) comes back as a `routing` event of type `refused`.
 */

const requestId = z.union([z.string().max(128), z.number()]).optional();
const name = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .min(1, { error: `expected a non-empty ${what}` })
    .max(256, { error: `expected ${what} of at most 256 characters` });
const wholeNumbers = (what: string, max: number) =>
  z.record(
    name(`${what} name`),
    z
      .int({ error: `expected a whole number from 0 to ${max}` })
      .min(0, { error: `expected a whole number from 0 to ${max}` })
      .max(max, { error: `expected a whole number from 0 to ${max}` }),
    {
      error: `expected a map of ${what} to a whole number from 0 to ${max}`,
    },
  );
const reason = z
  .string({ error: 'expected a reason code' })
  .min(1, { error: 'expected a non-empty reason code' })
  .max(64, { error: 'expected a reason code of at most 64 characters' });

export const routingLoginRequestSchema = z.strictObject({
  type: z.literal('routingLogin'),
  requestId,
  /** The tenant whose queues the agent serves; default: the only tenant of the token's scope, else 1. */
  tenantDbid: z.int({ error: 'expected a tenant dbid' }).positive({ error: 'expected a positive tenant dbid' }).optional(),
  capacity: wholeNumbers('media type', 1000),
  skills: wholeNumbers('skill', 10).optional(),
  queues: z
    .array(name('queue name'), { error: 'expected a list of queue names' })
    .min(1, { error: 'expected at least one queue' })
    .max(100, { error: 'expected at most 100 queues' }),
  ready: z.boolean({ error: 'expected true or false' }).optional(),
  notReadyReason: reason.optional(),
});

export const routingRequestSchemas = [
  routingLoginRequestSchema,
  z.strictObject({ type: z.literal('routingReady'), requestId }),
  z.strictObject({ type: z.literal('routingNotReady'), requestId, reason: reason.optional() }),
  z.strictObject({ type: z.literal('routingLogout'), requestId }),
  z.strictObject({ type: z.literal('routingAccept'), requestId, offerId: name('offer id') }),
  z.strictObject({ type: z.literal('routingDecline'), requestId, offerId: name('offer id') }),
  z.strictObject({ type: z.literal('routingQueue'), requestId, queue: name('queue name') }),
  z.strictObject({ type: z.literal('routingPick'), requestId, interactionId: name('interaction id') }),
  z
    .strictObject({
      type: z.literal('routingTransfer'),
      requestId,
      interactionId: name('interaction id'),
      queue: name('queue name').optional(),
      agentId: name('agent id').optional(),
    })
    .refine((r) => (r.queue === undefined) !== (r.agentId === undefined), { error: 'a transfer names either a queue or an agentId' }),
] as const;

export type RoutingRequest = z.infer<(typeof routingRequestSchemas)[number]>;
export type RoutingLoginRequest = z.infer<typeof routingLoginRequestSchema>;

/** What routing tells the agent, passed on as it is: `event` is the routing message, `requestId` that of the request it answers. */
export interface RoutingServerEvent {
  type: 'routing';
  requestId?: RequestId;
  event: RoutingAgentMessage;
}

export function routingEvent(event: RoutingAgentMessage, requestId?: RequestId): RoutingServerEvent {
  return { type: 'routing', ...(requestId !== undefined ? { requestId } : {}), event };
}
