import type { PushNotice } from '@ocs/contracts';
import { toGmsMessage, type GmsMessage } from '@ocs/gms-chat-v2';

/** The custom-http notification GMS sends a receiver, as Chat Server's guide shows it (`message` and `deviceId`). */
export interface NotificationBody {
  /** The chat state and its message; the `[push] customhttp.message` text instead, when that option is set. */
  message?: NotificationMessage | string;
  deviceId: string;
}

export interface NotificationMessage {
  /** The customer's CometD secure key; a REST client uses the `secure-key` of the reliable shape's `userData` instead. */
  secureKey: string;
  chatId: string;
  nextPosition: number;
  messages: GmsMessage[];
  alias: string;
  chatEnded: boolean;
  userId: string;
  statusCode: 0;
  monitored: boolean;
}

export interface BodyOptions {
  /** `[server] alias`: the GMS reply's `alias`. */
  alias: string;
  /** `[push] customhttp.message`: replaces the content of every notification, as in GMS. */
  customMessage?: string;
}

/** The text of the reliable shape's message: a trigger to refresh, with no event in it. */
export const PUSH_NOTIFICATION_TEXT = 'PUSH-NOTIFICATION';

/**
 * The body of a notification about session `sessionId`:
 * - with the event (`GCTI_GMS_PushIncludePayload`): the message carries it as a Chat V2 transcript entry;
 * - reliable delivery (`GCTI_GMS_PushResend`, or a payload asked for but not given): one `PushUrl` message from
 *   participant 0 with text `PUSH-NOTIFICATION`, whose `userData` says `notify-attempt`, `notify-position` and the
 *   keys `flex-push-content` names, for the receiver to refresh;
 * - neither: the device id alone, as GMS sends without `GCTI_GMS_PushIncludePayload`.
 */
export function notificationBody(sessionId: string, notice: PushNotice, options: BodyOptions): NotificationBody {
  const { deviceId, includePayload, resend } = notice.subscription;
  if (options.customMessage !== undefined) return { message: options.customMessage, deviceId };
  if (notice.payload && includePayload && !resend) return { message: chatMessage(sessionId, notice, options, [toGmsMessage(notice.payload)]), deviceId };
  if (!resend && !includePayload) return { deviceId };
  return { message: chatMessage(sessionId, notice, options, [pushUrlMessage(notice)]), deviceId };
}

function chatMessage(sessionId: string, notice: PushNotice, { alias }: BodyOptions, messages: GmsMessage[]): NotificationMessage {
  return {
    secureKey: notice.secureKey,
    chatId: sessionId,
    nextPosition: notice.nextPosition,
    messages,
    alias,
    chatEnded: notice.chatEnded,
    userId: notice.userId,
    statusCode: 0,
    monitored: false,
  };
}

function pushUrlMessage(notice: PushNotice): GmsMessage {
  return {
    from: { nickname: '', participantId: 0, type: 'Client' },
    index: 0,
    type: 'PushUrl',
    text: PUSH_NOTIFICATION_TEXT,
    utcTime: notice.at,
    userData: { 'notify-attempt': String(notice.attempt), 'notify-position': String(notice.position), ...notice.content },
  };
}
