import type { BusHandler, BusRecord, BusSubscription, EventBus } from '@ocs/ports';

interface Group {
  members: BusHandler[];
  next: number;
}

/**
 * In-process bus with consumer-group semantics: each record goes to one member of each group (round robin),
 * in publish order. Like a real broker it decouples the publisher: `publish` returns once the records are
 * queued, and a single drain loop delivers them. A failing handler is reported and does not stop delivery.
 */
export class MemoryEventBus implements EventBus {
  private readonly topics = new Map<string, Map<string, Group>>();
  private readonly queue: BusRecord[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly onError: (group: string, error: unknown) => void = () => undefined) {}

  async publish(records: readonly BusRecord[]): Promise<void> {
    this.queue.push(...records);
    this.draining ??= new Promise<void>((resolve) => setImmediate(() => void this.drain().then(resolve)));
  }

  /** Resolves once every record published so far has been handled. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async subscribe(topic: string, group: string, handler: BusHandler): Promise<BusSubscription> {
    const groups = this.topics.get(topic) ?? new Map<string, Group>();
    this.topics.set(topic, groups);
    const entry = groups.get(group) ?? { members: [], next: 0 };
    groups.set(group, entry);
    entry.members.push(handler);
    return {
      close: async () => {
        entry.members = entry.members.filter((h) => h !== handler);
      },
    };
  }

  private async drain(): Promise<void> {
    for (let record = this.queue.shift(); record; record = this.queue.shift()) {
      for (const [name, group] of this.topics.get(record.topic) ?? []) {
        if (group.members.length === 0) continue;
        const handler = group.members[group.next % group.members.length];
        group.next += 1;
        try {
          await handler(record);
        } catch (error) {
          this.onError(name, error);
        }
      }
    }
    this.draining = undefined;
  }
}
