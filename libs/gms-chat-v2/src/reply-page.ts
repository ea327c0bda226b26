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
  const end = pageEnd(view.events, 0, limits);
  return end === view.events.length ? view : { ...view, events: view.events.slice(0, end), nextPosition: view.events[end].event.position };
}

/**
 * `view` cut into pages within `limits`, in order (one page for a view within them): for a client that is sent
 * every page, as a CometD client is, rather than asking again for the rest.
 */
export function pagesOf(view: SessionView, limits: ReplyLimits): SessionView[] {
  const pages: SessionView[] = [];
  let start = 0;
  do {
    const end = pageEnd(view.events, start, limits);
    const nextPosition = end === view.events.length ? view.nextPosition : view.events[end].event.position;
    pages.push({ ...view, events: view.events.slice(start, end), nextPosition });
    start = end;
  } while (start < view.events.length);
  return pages;
}

/** Where the page starting at `start` ends (exclusive): within both limits, and at least one event long. */
function pageEnd(events: SessionView['events'], start: number, limits: ReplyLimits): number {
  let end = start;
  let bytes = 0;
  for (; end < events.length && end - start < limits.maxEvents; end += 1) {
    const text = events[end].event.text;
    if (text !== undefined) bytes += Buffer.byteLength(text);
    if (bytes > limits.maxTextBytes && end > start) break;
  }
  return end;
}
