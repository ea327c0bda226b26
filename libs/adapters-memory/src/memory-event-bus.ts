import { isTakenRecord, type BusHandler, type BusRecord, type BusSubscription, type EventBus } from '@ocs/ports';

interface Group {
  name: string;
  members: BusHandler[];
  next: number;
  /** The last delivery of each key still running: the next record of that key waits for it. */
  running: Map<string, Promise<void>>;
}

/** Records being handled at once across keys and groups; more wait in the queue. */
const MAX_IN_FLIGHT = 64;

/**
 * In-process bus with consumer-group semantics: each record goes to one member of each group (round robin).
 * Records of one key reach a group in publish order, one after the other; records of different keys are handled
 * concurrently (as a broker's partitions are), up to a bound. Records are delivered with partition 0 and an offset
 * numbering the topic's records from 0. Like a real broker it decouples the publisher:
 * `publish` returns once the records are queued. A failing handler is reported and does not stop delivery. A record
 * a handler took in to finish later (`TakenRecord`) lets the next record of its key go once the handler returned; a
 * rejected `handled` is reported. (Nothing is delivered again: the process holds the bus and its handlers alike.)
 */
export class MemoryEventBus implements EventBus {
  private readonly topics = new Map<string, Map<string, Group>>();
  /** Queued records from `head` on (a moving head keeps taking one O(1) however long the queue). */
  private queue: BusRecord[] = [];
  private head = 0;
  private inFlight = 0;
  private readonly settled = new Set<() => void>();
  private scheduled = false;
  /** The offset of the next record of each topic (one partition per topic, numbered from 0). */
  private readonly offsets = new Map<string, number>();

  constructor(private readonly onError: (group: string, error: unknown) => void = () => undefined) {}

  async publish(records: readonly BusRecord[]): Promise<void> {
    for (const { topic, key, value } of records) {
      const offset = this.offsets.get(topic) ?? 0;
      this.offsets.set(topic, offset + 1);
      this.queue.push({ topic, key, value, partition: 0, offset: String(offset) });
    }
    this.schedule();
  }

  /** Resolves once every record published so far has been handled. */
  async idle(): Promise<void> {
    while (this.head < this.queue.length || this.inFlight > 0 || this.scheduled) await new Promise<void>((resolve) => this.settled.add(resolve));
  }

  async subscribe(topic: string, group: string, handler: BusHandler): Promise<BusSubscription> {
    const groups = this.topics.get(topic) ?? new Map<string, Group>();
    this.topics.set(topic, groups);
    const entry: Group = groups.get(group) ?? { name: group, members: [], next: 0, running: new Map() };
    groups.set(group, entry);
    entry.members.push(handler);
    return {
      close: async () => {
        entry.members = entry.members.filter((h) => h !== handler);
      },
    };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Starts deliveries of queued records while fewer than the bound run. */
  private pump(): void {
    while (this.head < this.queue.length && this.inFlight < MAX_IN_FLIGHT) {
      const record = this.queue[this.head++];
      for (const group of this.topics.get(record.topic)?.values() ?? []) {
        if (group.members.length > 0) this.deliver(group, record);
      }
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    if (this.head === this.queue.length && this.inFlight === 0) {
      for (const resolve of this.settled) resolve();
      this.settled.clear();
    }
  }

  private deliver(group: Group, record: BusRecord): void {
    const handler = group.members[group.next % group.members.length];
    group.next += 1;
    this.inFlight += 1;
    const before = group.running.get(record.key) ?? Promise.resolve();
    const delivery = before
      .then(() => handler(record))
      .then((result) => {
        if (isTakenRecord(result)) result.handled.catch((error: unknown) => this.onError(group.name, error));
      })
      .catch((error: unknown) => this.onError(group.name, error))
      .finally(() => {
        if (group.running.get(record.key) === delivery) group.running.delete(record.key);
        this.inFlight -= 1;
        this.pump();
      });
    group.running.set(record.key, delivery);
  }
}
