import type { AgentChannel, RoutingMessage } from './agent-channel.js';
import { el } from './dom.js';
import { OfferList, type Offer } from './offer-list.js';
import { QueueView } from './queue-view.js';

/**
 * The agent's part in the built-in routing (`#ocs-routing`): sign in to routing with queues and capacity, ready or
 * not ready with a reason, the offers to accept or decline, and the queue view for the manual pick. A chat taken
 * (accepted or picked) opens through the host with the join routing handed over. After a reconnection the panel
 * signs in again with the same profile, which within the grace period carries on with its offers and chats.
 */

/** What routing hands over with a chat taken: the join to send, and what a transfer names. */
export interface Routed {
  interactionId: string;
  queue: string;
  sessionId: string;
  join: Record<string, unknown>;
}

export interface RoutingHost {
  channel: AgentChannel;
  /** Opens the chat routing handed to the agent. */
  openRouted(routed: Routed): Promise<void>;
  /** Something new arrived (the title flashes while the page is out of view). */
  incoming(): void;
}

export const NOT_READY_REASONS = ['Break', 'Lunch', 'Meeting', 'Training', 'After-chat work'];

interface Profile {
  queues: string[];
  capacity: number;
  ready: boolean;
  reason?: string;
}

export class RoutingPanel {
  readonly element: HTMLElement;
  private profile: Profile | undefined;
  private readonly presence = el('p', { id: 'ocs-presence', class: 'ocs-presence', role: 'status' }, 'Not signed in to routing');
  private readonly error = el('p', { class: 'ocs-error', role: 'alert' });
  private readonly signIn: HTMLFormElement;
  private readonly controls: HTMLElement;
  private readonly readyButton = el('button', { type: 'button', id: 'ocs-ready', 'aria-pressed': 'false', onclick: () => this.setReady(true) }, 'Ready');
  private readonly reason = el('select', { id: 'ocs-not-ready-reason' }, ...NOT_READY_REASONS.map((r) => el('option', { value: r }, r)));
  private readonly capacity = el('input', { id: 'ocs-capacity-now', type: 'number', min: 0, max: 20, inputmode: 'numeric' });
  private readonly offers: OfferList;
  private readonly queueView: QueueView;

  constructor(private readonly host: RoutingHost) {
    const queues = el('input', { id: 'ocs-queues', value: 'chat_inbound', required: true, autocomplete: 'off', spellcheck: 'false' });
    const capacity = el('input', { id: 'ocs-capacity', type: 'number', min: 0, max: 20, value: 2, required: true, inputmode: 'numeric' });
    this.signIn = el(
      'form',
      { class: 'ocs-routing-signin', onsubmit: (e) => this.login(e, queues.value, Number(capacity.value)) },
      el('div', { class: 'ocs-field' }, el('label', { for: 'ocs-queues' }, 'Queues (comma-separated)'), queues),
      el('div', { class: 'ocs-field' }, el('label', { for: 'ocs-capacity' }, 'Chats at once'), capacity),
      el('button', { type: 'submit' }, 'Sign in to routing'),
    );
    this.offers = new OfferList({
      accept: async (offer: Offer) => this.taken(await host.channel.routing({ type: 'routingAccept', offerId: offer.offerId })),
      decline: async (offer: Offer) => void (await host.channel.routing({ type: 'routingDecline', offerId: offer.offerId })),
    });
    this.queueView = new QueueView(host.channel, (routed) => this.taken(routed));
    this.controls = el(
      'div',
      { class: 'ocs-routing-controls', hidden: true },
      el(
        'div',
        { class: 'ocs-actions', role: 'group', 'aria-label': 'Presence' },
        this.readyButton,
        el(
          'form',
          { class: 'ocs-not-ready', onsubmit: (e) => (e.preventDefault(), void this.setReady(false)) },
          el('label', { for: 'ocs-not-ready-reason' }, 'Reason'),
          this.reason,
          el('button', { type: 'submit', id: 'ocs-not-ready', 'aria-pressed': 'false' }, 'Not ready'),
        ),
      ),
      el(
        'form',
        { class: 'ocs-not-ready', onsubmit: (e) => (e.preventDefault(), void this.setCapacity(Number(this.capacity.value))) },
        el('label', { for: 'ocs-capacity-now' }, 'Chats at once'),
        this.capacity,
        el('button', { type: 'submit' }, 'Set'),
      ),
      el('h3', {}, 'Offers'),
      this.offers.element,
      this.offers.placeholder,
      this.queueView.element,
      el('button', { type: 'button', class: 'ocs-end', onclick: () => this.logout() }, 'Sign out of routing'),
    );
    this.element = el(
      'section',
      { id: 'ocs-routing', class: 'ocs-opener', 'aria-labelledby': 'ocs-routing-title' },
      el('h2', { id: 'ocs-routing-title' }, 'Routing'),
      this.presence,
      this.error,
      this.signIn,
      this.controls,
    );
  }

  /** What routing says of itself: an offer, an offer ended, a chat of the agent's gone back to its queue. */
  heard(message: RoutingMessage): void {
    if (message.type === 'offer') {
      this.offers.offered(message);
      this.host.incoming();
    } else if (message.type === 'offer-ended') {
      this.offers.ended(String(message.interactionId), String(message.reason));
    } else if (message.type === 'returned') {
      this.error.textContent = `A chat went back to queue ${String(message.queue)} (${String(message.reason)}).`;
    }
  }

  /** Back after a drop: signs in again with the same profile (within the grace period routing carries on). */
  async reconnected(): Promise<void> {
    if (this.profile) await this.send(this.profile).catch((error: Error) => (this.error.textContent = error.message));
  }

  /** Hands the chat of `interactionId` back to `queue`: routing requeues it (the card then leaves the session). */
  async transfer(interactionId: string, queue: string): Promise<void> {
    await this.host.channel.routing({ type: 'routingTransfer', interactionId, queue });
  }

  get queues(): string[] {
    return this.profile?.queues ?? [];
  }

  private async login(event: Event, queues: string, capacity: number): Promise<void> {
    event.preventDefault();
    const names = queues
      .split(',')
      .map((q) => q.trim())
      .filter(Boolean);
    await this.send({ queues: names, capacity, ready: false }).catch(
      (error: Error) => (this.error.textContent = `Sign-in to routing failed: ${error.message}`),
    );
  }

  private async setReady(ready: boolean): Promise<void> {
    if (!this.profile) return;
    const reason = ready ? undefined : this.reason.value;
    await this.apply({ ...this.profile, ready, reason }, ready ? { type: 'routingReady' } : { type: 'routingNotReady', reason });
  }

  private async setCapacity(capacity: number): Promise<void> {
    if (this.profile) await this.send({ ...this.profile, capacity }).catch((error: Error) => (this.error.textContent = error.message));
  }

  /** Sends the whole profile (`routingLogin`, which also updates it). */
  private async send(profile: Profile): Promise<void> {
    const { queues, capacity, ready, reason } = profile;
    await this.apply(profile, {
      type: 'routingLogin',
      queues,
      capacity: { chat: capacity },
      ready,
      ...(!ready && reason ? { notReadyReason: reason } : {}),
    });
  }

  private async apply(profile: Profile, request: Record<string, unknown>): Promise<void> {
    this.error.textContent = '';
    try {
      const answer = await this.host.channel.routing(request);
      if (answer.type === 'presence') this.show(profile, answer.agent as { ready: boolean; notReadyReason?: string; capacity: { chat?: number } } | null);
    } catch (error) {
      if (request.type === 'routingLogin') throw error;
      this.error.textContent = (error as Error).message;
    }
  }

  private show(profile: Profile, agent: { ready: boolean; notReadyReason?: string; capacity: { chat?: number } } | null): void {
    this.profile = agent ? { ...profile, ready: agent.ready, capacity: agent.capacity.chat ?? 0, reason: agent.notReadyReason } : undefined;
    const signedIn = !this.signIn.hidden && agent !== null;
    this.signIn.hidden = agent !== null;
    this.controls.hidden = agent === null;
    this.element.dataset.ready = String(agent?.ready ?? false);
    if (!agent || !this.profile) {
      this.presence.textContent = 'Not signed in to routing';
      this.offers.clear();
      this.queueView.stop();
      return;
    }
    const { ready, reason, capacity, queues } = this.profile;
    this.presence.textContent = `${ready ? 'Ready' : `Not ready${reason ? ` (${reason})` : ''}`} · up to ${capacity} chats · ${queues.join(', ')}`;
    this.readyButton.setAttribute('aria-pressed', String(ready));
    this.controls.querySelector('#ocs-not-ready')?.setAttribute('aria-pressed', String(!ready));
    this.capacity.value = String(capacity);
    this.queueView.queues = queues;
    // The sign-in form the focus was in is gone: the next step is going ready.
    if (signedIn) this.readyButton.focus();
  }

  private async logout(): Promise<void> {
    await this.apply({ queues: [], capacity: 0, ready: false }, { type: 'routingLogout' });
  }

  private async taken(answer: RoutingMessage | Record<string, unknown>): Promise<void> {
    if (answer.type !== 'routed') throw new Error('routing did not hand the chat over');
    await this.host.openRouted(answer as unknown as Routed);
  }
}

/** The form in a routed chat's card that hands the chat back to a queue (routing requeues it, then the agent leaves). */
export function transferForm(routed: Routed, queues: string[], transfer: (queue: string) => Promise<void>): HTMLFormElement {
  const id = `ocs-transfer-${routed.interactionId}`;
  const names = [...new Set([routed.queue, ...queues])];
  // Any queue of the tenant: the agent's own ones are offered, another may be typed.
  const queue = el('input', { id, list: `${id}-known`, value: routed.queue, required: true, autocomplete: 'off', spellcheck: 'false' });
  const known = el('datalist', { id: `${id}-known` }, ...names.map((q) => el('option', { value: q })));
  const error = el('p', { class: 'ocs-error', role: 'alert' });
  return el(
    'form',
    {
      class: 'ocs-inline ocs-transfer',
      onsubmit: (e) => {
        e.preventDefault();
        error.textContent = '';
        transfer(queue.value.trim()).catch((failure: Error) => (error.textContent = `The transfer failed: ${failure.message}`));
      },
    },
    el('label', { for: id }, 'Transfer to queue'),
    queue,
    known,
    el('button', { type: 'submit' }, 'Transfer'),
    error,
  );
}
