import { ChatError } from '../errors';
import { utf8Length } from '../kv';
import type { InputRules } from '../rules';
import type { KvList } from '../types';

/**
 * What a party gives the session, made fit to keep: every text, name, user data and event attribute list of every
 * protocol passes here. The rule on control characters (docs/api/input-limits.md):
 * - texts (message, notice, join and leave texts, user data and attribute values) lose NUL and the C0 controls
 *   other than TAB, LF and CR, DEL, and the C1 controls (U+0080–U+009F): what a terminal would act on;
 * - one-line names (nicknames, message types, user data and attribute keys) lose TAB, LF and CR as well.
 * They are stripped, not refused: text pasted from elsewhere sometimes carries one (a vertical tab), and the
 * rest of it is worth keeping. Each check is one pass over the text; a copy is made only when something goes.
 */

// Matching control characters is their purpose.
// eslint-disable-next-line no-control-regex
const TEXT_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// eslint-disable-next-line no-control-regex
const NAME_CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;

/** Server-reserved event attributes: only the server writes them (bot style, quit reason, PII notes). */
export const RESERVED_ATTRIBUTES_KEY = 'GCTI_SYSTEM';
/** Nested lists deeper than this are refused (Genesys lists nest a few levels at most). */
export const KV_MAX_DEPTH = 16;

function isControl(code: number, inText: boolean): boolean {
  if (code < 0x20) return !inText || (code !== 0x09 && code !== 0x0a && code !== 0x0d);
  return code >= 0x7f && code <= 0x9f;
}

function strip(value: string, inText: boolean): string {
  for (let i = 0; i < value.length; i++) {
    if (isControl(value.charCodeAt(i), inText)) return value.replace(inText ? TEXT_CONTROLS : NAME_CONTROLS, '');
  }
  return value;
}

/** A text without the control characters it may not keep. */
export function cleanText(value: string): string {
  return strip(value, true);
}

/** A one-line name without any control character. */
export function cleanName(value: string): string {
  return strip(value, false);
}

/** True when `value` has more than `max` characters (code points), counted without copying it. */
export function longerThan(value: string, max: number): boolean {
  if (value.length <= max) return false;
  if (value.length > 2 * max) return true;
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff) count += 1;
    if (count > max) return true;
  }
  return false;
}

/** A message type within `message-type-max-length` characters, cleaned. */
export function checkMessageType(rules: InputRules, messageType: unknown): string {
  if (typeof messageType !== 'string') throw new ChatError('INVALID_ARGUMENT', 'message type must be a string');
  if (longerThan(messageType, rules.messageTypeMaxLength)) {
    throw new ChatError('TEXT_TOO_LONG', `message type is longer than message-type-max-length (${rules.messageTypeMaxLength})`);
  }
  return cleanName(messageType);
}

/** Which top-level keys of a list are left out of the copy. */
export interface KvOmit {
  omit?: string;
}

/**
 * A copy of a user data or event attribute list, within `user-data-max-keys` keys (nested keys counted),
 * `user-data-max-value-size` bytes per value and `user-data-max-size` bytes in all, at most `KV_MAX_DEPTH`
 * levels deep, with control characters stripped from keys and values; the top-level key `omit` is left out.
 */
export function boundedKv(rules: InputRules, list: KvList, what: string, options: KvOmit = {}): KvList {
  const used = { keys: 0, bytes: 0 };
  return copyWithin(rules, list, what, 1, used, options.omit);
}

function copyWithin(rules: InputRules, list: KvList, what: string, depth: number, used: { keys: number; bytes: number }, omit?: string): KvList {
  if (typeof list !== 'object' || list === null || Array.isArray(list)) throw new ChatError('INVALID_ARGUMENT', `${what} must be a key-value list`);
  if (depth > KV_MAX_DEPTH) throw new ChatError('DATA_TOO_LARGE', `${what} nests deeper than ${KV_MAX_DEPTH} levels`);
  const out: KvList = {};
  for (const key of Object.keys(list)) {
    const value = list[key];
    used.keys += 1;
    if (used.keys > rules.kvMaxKeys) throw new ChatError('DATA_TOO_LARGE', `${what} has more than user-data-max-keys (${rules.kvMaxKeys}) keys`);
    const name = cleanName(key);
    if (name === '__proto__') throw new ChatError('INVALID_ARGUMENT', `${what} uses the reserved key __proto__`);
    used.bytes += utf8Length(key);
    let copy: string | KvList;
    if (typeof value === 'string') {
      const size = utf8Length(value);
      if (size > rules.kvMaxValueSize) {
        throw new ChatError('DATA_TOO_LARGE', `a value of ${what} is ${size} bytes, more than user-data-max-value-size (${rules.kvMaxValueSize})`);
      }
      used.bytes += size;
      copy = cleanText(value);
    } else {
      copy = copyWithin(rules, value, what, depth + 1, used);
    }
    if (used.bytes > rules.kvMaxSize) throw new ChatError('DATA_TOO_LARGE', `${what} is more than user-data-max-size (${rules.kvMaxSize}) bytes`);
    if (name !== omit) out[name] = copy;
  }
  return out;
}

/** UTF-8 bytes of the keys and values of a list. */
export function kvBytes(list: KvList | undefined): number {
  if (!list) return 0;
  let bytes = 0;
  for (const key of Object.keys(list)) {
    const value = list[key];
    bytes += utf8Length(key) + (typeof value === 'string' ? utf8Length(value) : kvBytes(value));
  }
  return bytes;
}
