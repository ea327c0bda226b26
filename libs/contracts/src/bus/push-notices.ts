import type { ChatEvent, PushDecision, PushSubscription } from '@ocs/chat-domain';
import { z } from 'zod';
import { chatEventSchema, eventSenderSchema, type EventSender } from '../chat-event';

/** A customer's push subscription, as the domain reads it from the Request Chat user data (push-subscription.ts). */
export type { PushSubscription };

/**
 * One push notification the session engine decided to send to a subscribed customer (the domain's `PushDecision`,
 * push-notifications.ts), as the push-notifier reads it: delivered at least once; `id` is stable across redeliveries
 * of the same notice so receivers can drop duplicates (a resend of the reliable schedule is a new notice with the
 * next `attempt`, and a new id). `payload`: the event the notice is about, as the customer sees it, with its sender:
 * present only with `includePayload` and without `resend` (a party-left event carries
 * `GCTI_SYSTEM/quit-reason-code` in its event attributes, 0 and 3 included).
 */
export type PushNotice = Omit<PushDecision, 'event'> & { payload?: { event: ChatEvent; from: EventSender } };

const subscriptionSchema: z.ZodType<PushSubscription> = z.object({
  deviceId: z.string().min(1),
  deviceType: z.string().min(1),
  notifyRequestor: z.boolean(),
  includePayload: z.boolean(),
  resend: z.boolean(),
  provider: z.string().optional(),
  debug: z.boolean().optional(),
  clientChannel: z.string().optional(),
  nodeGroup: z.string().optional(),
});

export const pushNoticeSchema: z.ZodType<PushNotice> = z.object({
  id: z.string().min(1),
  userId: z.string().min(1),
  at: z.number(),
  subscription: subscriptionSchema,
  attempt: z.number().int().nonnegative(),
  position: z.number().int().min(-1),
  nextPosition: z.number().int().nonnegative(),
  chatEnded: z.boolean(),
  secureKey: z.string(),
  content: z.object({
    'app-dbid': z.string().optional(),
    'secure-key': z.string().optional(),
    'session-id': z.string().optional(),
    'user-id': z.string().optional(),
  }),
  payload: z.object({ event: chatEventSchema, from: eventSenderSchema }).optional(),
});
