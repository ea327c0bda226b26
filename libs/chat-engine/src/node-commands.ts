import { TOPICS, type BusSubscription, type EventBus } from '@ocs/ports';
import type { ChatEngine, NodeCommandRecord } from './chat-engine';

/**
 * Carries out the node commands addressed to `nodeId`. Every node reads the whole topic in a consumer group of its
 * own and skips what names another node; a command that comes again (redelivery) changes nothing.
 */
export function followNodeCommands(engine: ChatEngine, bus: EventBus, nodeId: string): Promise<BusSubscription> {
  return bus.subscribe(TOPICS.nodeCommands, `node-commands-${nodeId}`, async (record) => {
    const command = record.value as NodeCommandRecord;
    if (command.nodeId !== nodeId) return;
    if (command.type === 'purge') await engine.purgeTakenOver(command.sessionId);
  });
}
