import type { AgentChannel } from './agent-channel.js';
import { clock, duration, el } from './dom.js';

/**
 * The manual pick: the chats waiting in one of the agent's queues, in the order routing would serve them, each with
 * a Pick button. Routing answers a pick as it answers an accept, with the chat's join; `picked` opens it. The list is
 * asked again every few seconds while shown, and after each pick.
 */

interface Waiting {
  interactionId: string;
  priority: number;
  enqueuedAt: number;
}

const REFRESH_MS = 4000;

export class QueueView {
  readonly element: HTMLElement;
  private readonly queue = el('select', { id: 'ocs-pick-queue' });
  private readonly list = el('ol', { class: 'ocs-waiting', 'aria-label': 'Chats waiting' });
  private readonly status = el('p', { class: 'ocs-note', role: 'status' });
  private readonly error = el('p', { class: 'ocs-error', role: 'alert' });
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly channel: AgentChannel,
    private readonly picked: (routed: Record<string, unknown>) => Promise<void>,
  ) {
    this.element = el(
      'details',
      { class: 'ocs-queue-view', ontoggle: () => this.toggled() },
      el('summary', {}, 'Queue (pick a chat)'),
      el(
        'form',
        { class: 'ocs-inline', onsubmit: (e) => (e.preventDefault(), void this.load()) },
        el('label', { for: 'ocs-pick-queue' }, 'Queue'),
        this.queue,
        el('button', { type: 'submit' }, 'Show waiting chats'),
      ),
      this.status,
      this.error,
      this.list,
    );
  }

  /** The queues the agent serves (its routing profile). */
  set queues(names: string[]) {
    const chosen = this.queue.value;
    this.queue.replaceChildren(...names.map((q) => el('option', { value: q }, q)));
    if (names.includes(chosen)) this.queue.value = chosen;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private toggled(): void {
    const open = (this.element as HTMLDetailsElement).open;
    this.stop();
    if (!open) return;
    void this.load();
    this.timer = setInterval(() => void this.load(), REFRESH_MS);
  }

  private async load(): Promise<void> {
    const queue = this.queue.value;
    if (!queue) return;
    try {
      const answer = await this.channel.routing({ type: 'routingQueue', queue });
      this.show(queue, answer.waiting as Waiting[]);
      this.error.textContent = '';
    } catch (error) {
      this.error.textContent = (error as Error).message;
    }
  }

  private show(queue: string, waiting: Waiting[]): void {
    const now = Date.now();
    this.status.textContent = `${waiting.length === 0 ? 'No chat waiting' : `${waiting.length} waiting`} in ${queue} (as of ${clock(now)})`;
    this.list.replaceChildren(
      ...waiting.map((w, i) =>
        el(
          'li',
          { class: 'ocs-waiting-chat', 'data-interaction': w.interactionId },
          el('span', {}, `#${i + 1}, waiting ${duration(now - w.enqueuedAt)}`),
          w.priority ? el('span', { class: 'ocs-tag' }, `priority ${w.priority}`) : null,
          el(
            'button',
            {
              type: 'button',
              'aria-label': `Pick chat ${i + 1} of ${queue}`,
              onclick: (e) => this.pick(w.interactionId, e.currentTarget as HTMLButtonElement),
            },
            'Pick',
          ),
        ),
      ),
    );
  }

  private async pick(interactionId: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    this.error.textContent = '';
    try {
      await this.picked(await this.channel.routing({ type: 'routingPick', interactionId }));
    } catch (error) {
      this.error.textContent = `The chat could not be picked: ${(error as Error).message}`;
      button.disabled = false;
    }
    await this.load();
  }
}
