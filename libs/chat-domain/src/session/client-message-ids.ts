import { ChatError } from '../errors';
import type { ChatEvent, Participant, SentMessageId } from '../types';
import { findParticipant } from './presence';
import type { Change } from './requests';
import type { SessionState } from './state';

/**
 * Client message ids: our extension making a resent message harmless. A client that got no answer to a send (its
 * connection or the gateway went away) cannot tell whether the message was stored, and the Genesys APIs give it no way
 * to ask. It may name each message with an id of its own choosing; the session remembers, per party, the ids of its
 * last `REMEMBERED_MESSAGE_IDS` messages with the transcript position each got, and a send naming one of them is a
 * repeat: it is answered with the message stored the first time, and nothing is appended.
 *
 * The ids are kept on the party, in the session's state, so a node that restores the session knows them too. A
 * message without an id costs nothing: no party keeps a list until it sends its first id. A person who comes back as
 * a new party (an agent whose connection was lost joins again, with the same `personId`) may resend what it sent as
 * the party that left: the ids of its earlier parties in the session count too.
 */

/** Longest client message id, in characters. */
export const CLIENT_MESSAGE_ID_MAX = 64;

/** How many of a party's latest ids are remembered: a repeat of an older one is stored again. */
export const REMEMBERED_MESSAGE_IDS = 32;

/** The field clients name it by, in every API. */
export const CLIENT_MESSAGE_ID_FIELD = 'clientMessageId';

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** What a client message id must be, as refusals say it. */
export const CLIENT_MESSAGE_ID_RULE = `must be 1 to ${CLIENT_MESSAGE_ID_MAX} printable ASCII characters`;

/** Whether `value` may be a client message id: 1 to 64 printable ASCII characters. */
export function isClientMessageId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= CLIENT_MESSAGE_ID_MAX && PRINTABLE_ASCII.test(value);
}

/** `value` as a client message id, or a refusal naming `field`. */
export function checkClientMessageId(value: unknown, field: string = CLIENT_MESSAGE_ID_FIELD): string {
  if (!isClientMessageId(value)) throw new ChatError('INVALID_ARGUMENT', `${field} ${CLIENT_MESSAGE_ID_RULE}`);
  return value;
}

/**
 * The change answering a repeat of a message `userId` already sent with `id`, or undefined when `id` is new to it.
 * A repeat appends nothing; it asks for a save all the same (`configured`), so that an answer to it means the message
 * is stored, also when the first attempt's save had failed.
 */
export function repeatedMessage(state: SessionState, userId: string, id: string): Change | undefined {
  checkClientMessageId(id);
  const sender = findParticipant(state, userId);
  if (sender === undefined) return undefined;
  const sameSender = (p: Participant): boolean =>
    p === sender || (!p.present && sender.personId !== undefined && p.personId === sender.personId && p.userType === sender.userType);
  const sent = state.participants
    .filter(sameSender)
    .flatMap((p) => p.sentMessageIds ?? [])
    .find((known) => known.id === id);
  if (sent === undefined) return undefined;
  const original: ChatEvent | undefined = state.transcript[sent.position];
  return original === undefined ? undefined : { events: [], closed: false, configured: true, repeated: original };
}

/** `sender` sent the message at `position` with `id`: remembered, the oldest forgotten beyond the last 32. */
export function rememberMessageId(sender: Participant, id: string, position: number): void {
  const known = sender.sentMessageIds;
  const entry: SentMessageId = { id, position };
  if (known === undefined) sender.sentMessageIds = [entry];
  else {
    if (known.length >= REMEMBERED_MESSAGE_IDS) known.splice(0, known.length - REMEMBERED_MESSAGE_IDS + 1);
    known.push(entry);
  }
}
