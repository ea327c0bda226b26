/**
 * Saves one session's state in order, grouping requests: a save asked for while another is in flight is
 * served by the next write, which takes the newest state, so an older snapshot never overwrites a newer one
 * and a burst of messages costs few writes. A request resolves once a write that started after it succeeded.
 */
export class GroupSaver {
  private inFlight: Promise<void> | undefined;
  private next: { promise: Promise<void>; start: () => void } | undefined;

  constructor(private readonly write: () => Promise<void>) {}

  save(): Promise<void> {
    if (!this.inFlight) return this.run();
    if (!this.next) {
      let start!: () => void;
      const promise = new Promise<void>((resolve) => (start = resolve)).then(() => this.run());
      this.next = { promise, start };
    }
    return this.next.promise;
  }

  private run(): Promise<void> {
    const current = this.write();
    this.inFlight = current;
    const settle = () => {
      this.inFlight = undefined;
      const waiting = this.next;
      this.next = undefined;
      waiting?.start();
    };
    current.then(settle, settle);
    return current;
  }
}
