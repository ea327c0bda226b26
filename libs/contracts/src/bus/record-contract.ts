import { z } from 'zod';

/**
 * The outcome of reading a record off the bus: its value, checked; a record of a type this version does not know
 * (a newer producer may add types within a topic version: consumers pass over them); or what is wrong with it.
 */
export type Read<T> = { value: T } | { ignored: string } | { problem: string };

/**
 * Checks a record's value against the schema of its topic; `types`: the record types the consumer acts on, any other
 * (a type this version does not know, or one this consumer leaves alone) is passed over. Consumers act only on a value
 * that passes; a malformed one is reported (logged) and skipped, so that one bad record never stops a
 * consumer or its partition.
 */
export function readRecord<T>(schema: z.ZodType<T>, types: readonly string[], value: unknown): Read<T> {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && !types.includes(type)) return { ignored: `record type "${type.slice(0, 40)}"` };
  const parsed = schema.safeParse(value);
  return parsed.success ? { value: parsed.data } : { problem: z.prettifyError(parsed.error).replace(/\s*\n\s*/g, ' ') };
}
