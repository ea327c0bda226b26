import { z } from 'zod';
import { readRecord, type Read } from './record-contract';

/** A record of `TOPICS.interactionEvents` (schema version 1), keyed by interaction id: routing stopped the interaction. */
export type InteractionEventRecord = { type: 'stopped'; interactionId: string };

export const interactionEventSchema: z.ZodType<InteractionEventRecord> = z.object({ type: z.literal('stopped'), interactionId: z.string().min(1) });

export function readInteractionEvent(value: unknown): Read<InteractionEventRecord> {
  return readRecord(interactionEventSchema, ['stopped'], value);
}
