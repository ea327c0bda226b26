import { ChatError } from '../errors';
import type { PushRules } from '../rules';
import type { KvList } from '../types';
import { PUSH_DEVICE_KEY, PUSH_TYPE_KEY } from './liveness';

/**
 * A customer's push subscription, read from its Request Chat user data in one of two forms:
 * - the REST form the guide lists for Chat API Version 2 ("Push notifications via GMS to HTTP server"):
 *   `GCTI_Chat_PushSubscribe=true` with the `GCTI_GMS_*` keys; honoured only with `flex-push-on-join=true`
 *   (otherwise the keys are left alone and subscribe nobody). `GCTI_GMS_PushDeviceType` must be `customhttp`, the one
 *   type this server delivers: any other is refused at creation, naming the key and its value;
 * - the CometD form (`push_notification_deviceid` with `push_notification_type`), which also keeps the customer on
 *   `flex-push-timeout` (liveness.ts). Its notices carry no payload and do not tell the customer of its own activity
 *   (the keys to ask for either are the REST form's). A type other than `customhttp` (`fcm`, `apns`…) is not refused,
 *   since clients send it only to keep the session alive while in the background: such a subscription yields no
 *   notices. `DELIVERED_TYPES` is the plug point of a type a later notifier delivers.
 * With `flex-push-enabled=false` nobody is subscribed (the CometD form still keeps its liveness).
 */
export interface PushSubscription {
  deviceId: string;
  deviceType: string;
  /** `GCTI_GMS_NotifyRequestor`: the customer is told of its own activity too. */
  notifyRequestor: boolean;
  /** `GCTI_GMS_PushIncludePayload`: each notice carries its event (unless `resend`). */
  includePayload: boolean;
  /** `GCTI_GMS_PushResend`: reliable delivery, every notice a trigger to refresh, resent until one comes. */
  resend: boolean;
  provider?: string;
  debug?: boolean;
  clientChannel?: string;
  nodeGroup?: string;
}

export const PUSH_KEYS = {
  subscribe: 'GCTI_Chat_PushSubscribe',
  deviceId: 'GCTI_GMS_PushDeviceId',
  deviceType: 'GCTI_GMS_PushDeviceType',
  notifyRequestor: 'GCTI_GMS_NotifyRequestor',
  includePayload: 'GCTI_GMS_PushIncludePayload',
  resend: 'GCTI_GMS_PushResend',
  provider: 'GCTI_GMS_PushProvider',
  debug: 'GCTI_GMS_PushDebug',
  clientChannel: 'GCTI_GMS_ClientChannel',
  nodeGroup: 'GCTI_GMS_NodeGroup',
} as const;

/** The CometD form's optional keys (genesys-chat-apis §2.5). */
const COMETD_DEBUG_KEY = 'push_notification_debug';
const COMETD_PROVIDER_KEY = 'push_notification_provider';

/** Device types whose notices are published for delivery. */
export const DELIVERED_TYPES: readonly string[] = ['customhttp'];

/** The subscription the creator's user data asks for, or undefined; a malformed REST-form subscription is refused. */
export function readPushSubscription(userData: KvList, rules: PushRules): PushSubscription | undefined {
  if (!rules.enabled) return undefined;
  if (rules.onJoin && flag(userData, PUSH_KEYS.subscribe)) return restForm(userData);
  return cometdForm(userData);
}

function restForm(userData: KvList): PushSubscription {
  const deviceId = required(userData, PUSH_KEYS.deviceId);
  const deviceType = required(userData, PUSH_KEYS.deviceType);
  if (!DELIVERED_TYPES.includes(deviceType)) {
    throw new ChatError('INVALID_ARGUMENT', `${PUSH_KEYS.deviceType} "${deviceType.slice(0, 64)}" is not supported; expected ${DELIVERED_TYPES.join(' or ')}`);
  }
  return {
    deviceId,
    deviceType,
    notifyRequestor: flag(userData, PUSH_KEYS.notifyRequestor),
    includePayload: flag(userData, PUSH_KEYS.includePayload),
    resend: flag(userData, PUSH_KEYS.resend),
    ...optionalText(userData, 'provider', PUSH_KEYS.provider),
    ...(userData[PUSH_KEYS.debug] !== undefined ? { debug: flag(userData, PUSH_KEYS.debug) } : {}),
    ...optionalText(userData, 'clientChannel', PUSH_KEYS.clientChannel),
    ...optionalText(userData, 'nodeGroup', PUSH_KEYS.nodeGroup),
  };
}

function cometdForm(userData: KvList): PushSubscription | undefined {
  const deviceId = text(userData, PUSH_DEVICE_KEY);
  const deviceType = text(userData, PUSH_TYPE_KEY);
  if (deviceId === undefined || deviceType === undefined || !DELIVERED_TYPES.includes(deviceType)) return undefined;
  return {
    deviceId,
    deviceType,
    notifyRequestor: false,
    includePayload: false,
    resend: false,
    ...optionalText(userData, 'provider', COMETD_PROVIDER_KEY),
    ...(userData[COMETD_DEBUG_KEY] !== undefined ? { debug: flag(userData, COMETD_DEBUG_KEY) } : {}),
  };
}

/** A non-empty text value (trimmed), or undefined when absent or blank. */
function text(userData: KvList, key: string): string | undefined {
  const value = userData[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ChatError('INVALID_ARGUMENT', `${key} must be a text`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function required(userData: KvList, key: string): string {
  const value = text(userData, key);
  if (value === undefined) throw new ChatError('INVALID_ARGUMENT', `${key} is required with ${PUSH_KEYS.subscribe}=true`);
  return value;
}

function optionalText<K extends string>(userData: KvList, field: K, key: string): Partial<Record<K, string>> {
  const value = text(userData, key);
  return value === undefined ? {} : ({ [field]: value } as Record<K, string>);
}

/** `true` or `false` (any case); absent is false; anything else is refused, naming the key and value. */
function flag(userData: KvList, key: string): boolean {
  const value = text(userData, key);
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ChatError('INVALID_ARGUMENT', `${key} "${value.slice(0, 64)}" must be true or false`);
}
