import type { KvList } from '@ocs/chat-domain';
import { EspFault } from './esp-fault';
import { MalformedAttributesError, parseEventAttributes } from './event-attributes';

/**
 * The `Parameters` (or `UserData`) key-value list of an ESP request. As in Chat Server, every value is read as
 * text: a string, or a number as its decimal text (Interaction Server's KV lists carry integers); any other
 * value of a parameter that is read is refused, naming the parameter. Parameters a method does not know are
 * ignored.
 */
export class EspParameters {
  private constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  /** `list` is the request's `Parameters` or `UserData`: absent, or a JSON object. */
  static from(list: unknown, name: string): EspParameters {
    if (list === undefined || list === null) return new EspParameters({});
    if (typeof list !== 'object' || Array.isArray(list)) throw new EspFault('malformedRequest', `${name} must be a key-value list (a JSON object)`);
    return new EspParameters(list as Record<string, unknown>);
  }

  has(name: string): boolean {
    return Object.hasOwn(this.values, name);
  }

  text(name: string): string | undefined {
    if (!this.has(name)) return undefined;
    const value = this.values[name];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    throw new EspFault('invalidParameter', `${name} must be a string (or a number)`);
  }

  /** A mandatory parameter: present and not empty. */
  required(name: string): string {
    const value = this.text(name);
    if (value === undefined || value.trim() === '') throw new EspFault('invalidParameter', `${name} is missing; it is mandatory`);
    return value;
  }

  /** A Chat Server boolean: only `true` means true, anything else (absence included) false. */
  flag(name: string): boolean {
    return this.text(name) === 'true';
  }

  /** An optional parameter with a fixed set of values. */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.text(name);
    return value === undefined ? undefined : checkOneOf(name, value, allowed);
  }

  /** A mandatory parameter with a fixed set of values. */
  requiredOneOf<T extends string>(name: string, allowed: readonly T[]): T {
    return checkOneOf(name, this.required(name), allowed);
  }

  /** An optional whole number from `min` to `max`, as its canonical decimal text. */
  integer(name: string, min: number, max: number): string | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const n = /^\s*\d{1,9}\s*$/.test(value) ? Number(value) : NaN;
    if (!(n >= min && n <= max)) throw invalid(name, value, `a whole number from ${min} to ${max}`);
    return String(n);
  }

  /** A key-value collection parameter (`EventAttributes`); an empty list is the same as none. */
  attributes(name: string): KvList | undefined {
    if (!this.has(name)) return undefined;
    let list: KvList;
    try {
      list = parseEventAttributes(this.values[name]);
    } catch (error) {
      if (error instanceof MalformedAttributesError) throw new EspFault('invalidParameter', `${name} is malformed: ${error.message}`);
      throw error;
    }
    return Object.keys(list).length > 0 ? list : undefined;
  }

  /** For methods whose parameters are all optional but one of them is needed. */
  requireOneOf(names: readonly string[]): void {
    if (!names.some((name) => this.has(name))) throw new EspFault('invalidParameter', `at least one of ${names.join(', ')} is needed`);
  }
}

function checkOneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw invalid(name, value, allowed.join(', '));
}

function invalid(name: string, value: string, expected: string): EspFault {
  return new EspFault('invalidParameter', `${name} "${value.slice(0, 40)}" is not valid; expected ${expected}`);
}
