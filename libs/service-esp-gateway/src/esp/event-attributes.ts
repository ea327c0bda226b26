import type { KvList } from '@ocs/chat-domain';

/** Nested lists deeper than this are refused (Genesys event attributes nest a few levels at most). */
export const MAX_ATTRIBUTE_DEPTH = 16;

/** Why an `EventAttributes` value could not be read. */
export class MalformedAttributesError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedAttributesError';
  }
}

/**
 * Reads the `EventAttributes` of an ESP request into a key-value list. The value is either a list already (a
 * JSON object: Interaction Server passes `{l}` parameters as nested lists) or a text in one of the two formats
 * of the Chat Server guide:
 * - JSON-like: `{"key1":"value1","key3":{"subkey1":"subvalue1"}}`; a string value stays a string, so escaped
 *   JSON (the `content` of a rich message) is kept as text;
 * - list-like: `key1:value1|key3.subkey1:subvalue1`; whitespace around the separators is ignored, a value
 *   may contain `:` (a URL).
 * Numbers are read as their decimal text, as Chat Server reads every value. Anything else throws
 * `MalformedAttributesError`.
 */
export function parseEventAttributes(value: unknown): KvList {
  if (typeof value !== 'string') return toKvList(value, 'EventAttributes', 1);
  const text = value.trim();
  if (text === '') return {};
  return text.startsWith('{') ? parseJsonLike(text) : parseListLike(text);
}

function parseJsonLike(text: string): KvList {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MalformedAttributesError(`not valid JSON (${error instanceof Error ? error.message : 'unreadable'})`);
  }
  return toKvList(parsed, 'EventAttributes', 1);
}

function toKvList(value: unknown, where: string, depth: number): KvList {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedAttributesError(`${where} must be a key-value list`);
  if (depth > MAX_ATTRIBUTE_DEPTH) throw new MalformedAttributesError(`${where} nests deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
  const list: KvList = {};
  for (const [key, item] of Object.entries(value)) {
    checkKey(key, where);
    list[key] =
      typeof item === 'string' ? item : typeof item === 'number' && Number.isFinite(item) ? String(item) : toKvList(item, `${where}.${key}`, depth + 1);
  }
  return list;
}

function parseListLike(text: string): KvList {
  const list: KvList = {};
  text.split('|').forEach((pair, index) => {
    const colon = pair.indexOf(':');
    if (colon < 0) throw new MalformedAttributesError(`pair ${index + 1} ("${pair.trim().slice(0, 40)}") has no ":" between key and value`);
    const path = pair
      .slice(0, colon)
      .split('.')
      .map((key) => key.trim());
    path.forEach((key) => checkKey(key, `pair ${index + 1}`));
    if (path.length > MAX_ATTRIBUTE_DEPTH) throw new MalformedAttributesError(`pair ${index + 1} nests deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
    place(list, path, pair.slice(colon + 1).trim());
  });
  return list;
}

/** Keys are names: not empty, and never `__proto__` (which would reach the prototype of the list). */
function checkKey(key: string, where: string): void {
  if (key.trim() === '') throw new MalformedAttributesError(`${where} has an empty key`);
  if (key === '__proto__') throw new MalformedAttributesError(`${where} uses the reserved key __proto__`);
}

/** Puts `value` at `path`, creating nested lists; a key cannot be both a value and a list, nor given twice. */
function place(list: KvList, path: readonly string[], value: string): void {
  const name = path.join('.');
  let node = list;
  for (const key of path.slice(0, -1)) {
    const child = Object.hasOwn(node, key) ? node[key] : {};
    if (typeof child === 'string') throw new MalformedAttributesError(`${name}: ${key} is both a value and a list`);
    node[key] = child;
    node = child;
  }
  const last = path[path.length - 1];
  if (Object.hasOwn(node, last)) throw new MalformedAttributesError(`${name} is given more than once`);
  node[last] = value;
}
