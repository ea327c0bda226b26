import type { SessionService } from './state';

/**
 * Memory packing. A server holds many sessions at once, most of them idle, so what every session keeps is packed:
 * objects many sessions have alike are shared, and short lists are kept at their exact size.
 */

/** Services sessions came in on, shared: there are few of them and many sessions each. */
const services = new Map<string, SessionService>();
const MAX_SHARED_SERVICES = 1000;

/** An equal service object, the same one for every session of the service (none changes it). */
export function sharedService(service: SessionService): SessionService {
  // Its JSON names every field and value, so an equal key is an equal service.
  const key = JSON.stringify(service);
  const known = services.get(key);
  if (known) return known;
  const copy = { ...service };
  if (services.size < MAX_SHARED_SERVICES) services.set(key, copy);
  return copy;
}

/** Up to this length a list grows by exact copies; beyond, in place (amortized). */
const EXACT_UP_TO = 8;

/**
 * `list` with `item` added at the end: a new array of the exact size while the list is short (V8 gives an array
 * filled by `push` room for 17 elements, which most sessions, with a party or two and a few events, never use),
 * the same array, pushed to, once it is longer.
 */
export function appended<T>(list: T[], item: T): T[] {
  if (list.length >= EXACT_UP_TO) {
    list.push(item);
    return list;
  }
  return list.concat([item]);
}
