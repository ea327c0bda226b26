import { z } from 'zod';

/** The building blocks of the configuration schema: option types that read text (as env values and Genesys CME options arrive) and refuse with a message naming what was expected. */

export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
export type CamelKeys<T> = { [K in keyof T as K extends string ? CamelCase<K> : K]: T[K] };
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Zod error parameter: what was expected and, unless the value is secret, what was given. */
export function refusal(expected: string, showInput = true) {
  return {
    error: (issue: { input?: unknown }) =>
      !showInput ? expected : issue.input === undefined ? `${expected}, but it is missing` : `${expected}, got ${JSON.stringify(issue.input)}`,
  };
}

// Env values arrive as text (as do all option values in Genesys CME): read numbers, booleans and JSON from it.
export const integerFromText = (value: unknown) => (typeof value === 'string' && /^[+-]?\d+$/.test(value) ? Number(value) : value);
export const booleanFromText = (value: unknown) => (value === 'true' ? true : value === 'false' ? false : value);
const numberToText = (value: unknown) => (typeof value === 'number' ? String(value) : value);
export const jsonFromText = (value: unknown) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};
const emptyToMap = (value: unknown) => value ?? {};

export function integer(min: number, max: number) {
  const refused = refusal(`expected an integer from ${min} to ${max}`);
  return z.preprocess(integerFromText, z.int(refused).min(min, refused).max(max, refused));
}

/** A fraction from 0 to 1, e.g. a sampling ratio. */
export function fraction() {
  const refused = refusal('expected a number from 0 to 1');
  const fromText = (value: unknown) => (typeof value === 'string' && /^\s*\d*\.?\d+\s*$/.test(value) ? Number(value) : value);
  return z.preprocess(fromText, z.number(refused).min(0, refused).max(1, refused));
}

export function boolean() {
  return z.preprocess(booleanFromText, z.boolean(refusal('expected true or false')));
}

export function text(pattern: RegExp, expected: string) {
  const refused = refusal(expected);
  return z.preprocess(numberToText, z.string(refused).regex(pattern, refused));
}

/** A list of distinct choices, separated by commas (spaces around them allowed), as `flex-push-content` takes it. */
export function choiceList<const T extends readonly [string, ...string[]]>(choices: T) {
  const expected = `expected a comma-separated list of ${choices.join(', ')}`;
  const toList = (value: unknown) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value);
  return z.preprocess(toList, z.array(z.enum(choices, refusal(expected)), refusal(expected)).min(1, refusal(expected)));
}

const camelize = (key: string) => key.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());

export function camelKeys<T extends Record<string, unknown>>(map: T): CamelKeys<T> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [camelize(key), value])) as CamelKeys<T>;
}

/** A section with a fixed set of options; an empty or absent section takes every default. */
export function section<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess(emptyToMap, z.strictObject(shape, refusal('expected a map of options'))).transform(camelKeys);
}

/** A section of user-chosen names, e.g. `[endpoints:1]`. */
export function openSection<Value extends z.ZodType>(value: Value, expected: string) {
  return z.preprocess(emptyToMap, z.record(z.string(), value, refusal(expected)));
}
