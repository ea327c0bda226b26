import { z } from 'zod';
import { readRecord, type Read } from './record-contract';

/**
 * A record of `TOPICS.nodeCommands` (schema version 1), acted on only by the node it names: `purge` asks `nodeId` to
 * drop its copy of a session that node `by` restored (`session-restore-do-purge`).
 */
export type NodeCommandRecord = { type: 'purge'; sessionId: string; nodeId: string; by: string };

export const nodeCommandSchema: z.ZodType<NodeCommandRecord> = z.object({
  type: z.literal('purge'),
  sessionId: z.string().min(1),
  nodeId: z.string().min(1),
  by: z.string().min(1),
});

export function readNodeCommand(value: unknown): Read<NodeCommandRecord> {
  return readRecord(nodeCommandSchema, ['purge'], value);
}
