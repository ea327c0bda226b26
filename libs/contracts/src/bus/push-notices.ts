import type { ChatEvent } from '@ocs/chat-domain';
import { z } from 'zod';
import { chatEventSchema, eventSenderSchema, type EventSender } from '../chat-event';

/**
 * A customer's push subscription, from the Request Chat user data (`GCTI_Chat_PushSubscribe` with the
 * `GCTI_GMS_Push*` keys) or the CometD form (`push_notification_deviceid`/`push_notification_type`).
 */
export interface PushSubscription {
  deviceId: string;
  /** `customhttp` is the one type delivered; others are refused when the session subscribes. */
  deviceType: string;
  /** `GCTI_GMS_NotifyRequestor`: the customer is told of its own activity too. */
  notifyRequestor: boolean;
  /** `GCTI_GMS_PushIncludePayload`: the notification carries the event (unless reliable delivery is on). */
  includePayload: boolean;
  /** `GCTI_GMS_PushResend`: reliable delivery, every notification a `PushUrl` trigger to refresh. */
  resend: boolean;
  provider?: string;
  debug?: boolean;
  clientChannel?: string;
  nodeGroup?: string;
}

/**
 * One push notification the session engine decided to send to a subscribed customer. Delivered at least once by
 * the push-notifier; `id` is stable across redeliveries of the same notice so receivers can drop duplicates
 * (a resend of the reliable schedule is a new notice with the next `attempt`, and a new id).
 */
export interface PushNotice {
  id: string;
  /** The customer party the notice is for. */
  userId: string;
  /** Epoch milliseconds when the engine decided it. */
  at: number;
  subscription: PushSubscription;
  /** `notify-attempt`: 0 for the first notice, then 1, 2… for resends. */
  attempt: number;
  /**
   * `notify-position`: the first transcript entry the customer has not retrieved, 1-based like the GMS reply's
   * `index` (transcript position + 1); -1: the customer is no longer in the session (removed, or logged out).
   */
  position: number;
  /** The GMS reply's `nextPosition`. */
  nextPosition: number;
  chatEnded: boolean;
  /** The customer's GMS `secureKey` (CometD API). */
  secureKey: string;
  /** The `userData` of the reliable-delivery shape, already reduced to what `flex-push-content` names. */
  content: Partial<Record<'app-dbid' | 'secure-key' | 'session-id' | 'user-id', string>>;
  /**
   * The event the notice is about, as the customer sees it: present only with `includePayload` and without `resend`
   * (a party-left event carries `GCTI_SYSTEM/quit-reason-code` in its event attributes, 0 and 3 included).
   */
  payload?: { event: ChatEvent; from: EventSender };
}

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
