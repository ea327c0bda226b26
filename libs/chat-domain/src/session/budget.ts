import { ChatError } from '../errors';
import { utf8Length } from '../kv';
import type { InputRules } from '../rules';
import type { ChatEvent, KvList, Participant } from '../types';
import { kvBytes } from './input';

/**
 * What one session may hold and one party may send per interval, so that no client can make the process grow
 * without bound or flood the others.
 *
 * The transcript byte budget (`transcript-max-size`) counts every event's text, message type, user data and event
 * attributes; messages and notices beyond it are refused, while the session's own events (joins, leaves, idle
 * notices, closing) are always stored, so a full session can still be served, left and closed. The count is kept
 * in the state and recomputed from the transcript when a session is loaded.
 *
 * The rate limit (`message-rate-limit` per `message-rate-interval`) is a token bucket per party holding
 * `message-rate-limit` sends, refilled evenly over the interval, kept as one number: when the bucket would be full
 * again (the generic cell rate algorithm). Messages and notices share one bucket; typing notices and read
 * confirmations, which real clients send often and on their own, have a bucket of their own of the same size, so
 * they never cost a message its place. Buckets are part of the party's state: a session restored elsewhere has
 * them as last saved.
 */

/** What of an event counts against the budget. */
interface CountedParts {
  text?: string;
  messageType?: string;
  userData?: KvList;
  eventAttributes?: KvList;
}

/** Bytes an event counts against `transcript-max-size`. */
export function eventBytes(event: CountedParts): number {
  const text = event.text ? utf8Length(event.text) : 0;
  const messageType = event.messageType ? utf8Length(event.messageType) : 0;
  return text + messageType + kvBytes(event.userData) + kvBytes(event.eventAttributes);
}

/** Bytes a whole transcript counts, for a session loaded from storage. */
export function transcriptBytes(transcript: readonly ChatEvent[]): number {
  let bytes = 0;
  for (const event of transcript) bytes += eventBytes(event);
  return bytes;
}

/** Which bucket a send takes from. */
export type RateBucket = 'send' | 'typing';
const PACE_FIELD = { send: 'sendPace', typing: 'typingPace' } as const;
/** Rounding room of the float arithmetic: far below a millisecond. */
const EPSILON_MS = 1e-6;

/**
 * Refuses a send beyond the party's allowance; returns what the bucket becomes once the send is made (give it to
 * `spend`), or undefined when sends are not limited. Changes nothing itself: a send refused later costs nothing.
 */
export function checkRate(rules: InputRules, party: Participant, now: number, bucket: RateBucket): number | undefined {
  if (rules.rateLimit <= 0) return undefined;
  const interval = rules.rateIntervalMs;
  const step = interval / rules.rateLimit;
  const full = Math.max(party[PACE_FIELD[bucket]] ?? now, now);
  if (full - now + step > interval + EPSILON_MS) {
    const wait = Math.ceil(full - now + step - interval);
    throw new ChatError(
      'RATE_LIMITED',
      `more than message-rate-limit (${rules.rateLimit}) ${bucket === 'typing' ? 'typing notices' : 'messages and notices'} per message-rate-interval (${interval / 1000} s); try again in ${wait} ms`,
    );
  }
  return full + step;
}

/** Records a send that `checkRate` allowed. */
export function spend(party: Participant, bucket: RateBucket, pace: number | undefined): void {
  if (pace !== undefined) party[PACE_FIELD[bucket]] = pace;
}
