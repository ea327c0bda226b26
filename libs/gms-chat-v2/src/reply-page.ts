import type { SessionView } from '@ocs/chat-engine';

/**
 * How much of the transcript one reply carries. A customer may ask for the whole transcript (`refresh` with
 * `transcriptPosition` 0 or 1); a long one is answered in pages, so no reply grows with the transcript and none
 * holds up the requests of others while it is built and sent.
 */
export interface ReplyLimits {
  /** Most transcript entries in one reply (`[settings] refresh-max-events`). */
  maxEvents: number;
  /** Most bytes of entry text (UTF-8) in one reply (`[settings] refresh-max-text-size`); the first entry always goes. */
  maxTextBytes: number;
}

/**
 * The first page of `view`: its events up to `limits`, and, when some are left out, the next position pointing at
 * the first one not sent, so a client that asks again from `nextPosition` (as GMS clients do) gets the rest, in
 * order, with no gap and no repeat. A view within the limits is answered as it is.
 */
export function firstPage(view: SessionView, limits: ReplyLimits): SessionView {
  const { events } = view;
  let count = 0;
  let bytes = 0;
  for (; count < events.length && count < limits.maxEvents; count += 1) {
    const text = events[count].event.text;
    if (text !== undefined) bytes += Buffer.byteLength(text);
    if (bytes > limits.maxTextBytes && count > 0) break;
  }
  if (count === events.length) return view;
  return { ...view, events: events.slice(0, count), nextPosition: events[count].event.position };
}
