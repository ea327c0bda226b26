import type { BayeuxMessage, ExtensionCallback } from 'faye';

/**
 * The channels of the CometD endpoint (see bayeux-server.ts): clients use the service channel
 * `/service/chatV2/<svc>`; what is delivered to one client travels on its private channel `/ocs-private/<clientId>/<svc>`.
 */

export const SERVICE_CHANNEL_PREFIX = '/service/chatV2/';
const PRIVATE_CHANNEL_PREFIX = '/ocs-private/';
/** faye's channel-segment grammar (so every rewritten channel stays a valid faye channel name). */
export const CHANNEL_SEGMENT = /^[A-Za-z0-9\-_!~()$@]+$/;
/** faye client ids are base-36 random strings. */
export const CLIENT_ID = /^[A-Za-z0-9]+$/;

export function serviceChannel(serviceName: string): string {
  return SERVICE_CHANNEL_PREFIX + serviceName;
}

export function privateChannel(clientId: string, serviceName: string): string {
  return `${PRIVATE_CHANNEL_PREFIX}${clientId}/${serviceName}`;
}

export function parsePrivateChannel(channel: string): { clientId: string; serviceName: string } | null {
  if (!channel.startsWith(PRIVATE_CHANNEL_PREFIX)) return null;
  const [clientId, serviceName, ...rest] = channel.slice(PRIVATE_CHANNEL_PREFIX.length).split('/');
  if (rest.length > 0 || !clientId || !serviceName) return null;
  return { clientId, serviceName };
}

/** A private channel shown as the service channel it stands for; any other channel as it is. */
export function toPublic(channel: unknown): unknown {
  if (typeof channel !== 'string') return channel;
  const target = parsePrivateChannel(channel);
  return target ? serviceChannel(target.serviceName) : channel;
}

/** Bayeux error strings are `code:params:text`; a channel is only echoed back when it is a plain channel name. */
export function forbidden(channel: unknown): string {
  const param = typeof channel === 'string' && /^[A-Za-z0-9\-_!~()$@/*]+$/.test(channel) ? channel : '';
  return `403:${param}:Forbidden channel`;
}

/** The message with its Bayeux `error`, handed to `callback` when there is one. */
export function reject(message: BayeuxMessage, error: string): BayeuxMessage;
export function reject(message: BayeuxMessage, error: string, callback: ExtensionCallback): void;
export function reject(message: BayeuxMessage, error: string, callback?: ExtensionCallback): BayeuxMessage | void {
  message.error = error;
  if (!callback) return message;
  callback(message);
}
