import { readNodeCommand, TOPICS } from '@ocs/contracts';
import type { BusSubscription, EventBus } from '@ocs/ports';
import type { ChatEngine } from './chat-engine';

/**
 * Carries out the node commands addressed to `nodeId`. Every node reads the whole topic in a consumer group of its
 * own and skips what names another node or a command it does not know; a command that comes again (redelivery) changes
 * nothing; a malformed record is reported to `onMalformed` and skipped.
 */
export function followNodeCommands(
  engine: Pick<ChatEngine, 'purgeTakenOver'>,
  bus: EventBus,
  nodeId: string,
  onMalformed: (problem: string, key: string) => void,
): Promise<BusSubscription> {
  return bus.subscribe(TOPICS.nodeCommands, `node-commands-${nodeId}`, async (record) => {
    const read = readNodeCommand(record.value);
    if ('ignored' in read) return;
    if ('problem' in read) return onMalformed(read.problem, record.key);
    const command = read.value;
    if (command.nodeId !== nodeId) return;
    if (command.type === 'purge') await engine.purgeTakenOver(command.sessionId);
  });
}
