import type { RoutingMessage } from './agent-channel.js';
import { duration, el } from './dom.js';

/**
 * The chats routing offers the agent: each with its queue, how long the customer has waited, and the time left to
 * answer, counting down. Accept or decline; an offer that ends unanswered stays in view for a moment, saying why,
 * so that a missed offer is seen and not just gone.
 */

export interface Offer {
  offerId: string;
  interactionId: string;
  queue: string;
  expiresAt: number;
  waitMs: number;
}

export interface OfferActions {
  accept(offer: Offer): Promise<void>;
  decline(offer: Offer): Promise<void>;
}

const ENDED: Record<string, string> = {
  'no-answer': 'The offer timed out and went to another agent.',
  declined: 'Declined.',
  'agent-not-ready': 'Withdrawn: you are not ready.',
  'agent-lost': 'Withdrawn: the connection was lost.',
  'target-unavailable': 'Withdrawn.',
};

/** How long an ended offer's note stays before it goes. */
const ENDED_NOTE_MS = 8000;

export class OfferList {
  readonly element = el('ul', { class: 'ocs-offers', 'aria-label': 'Offers', 'aria-live': 'assertive' });
  private readonly empty = el('p', { class: 'ocs-note' }, 'No offer right now.');
  private readonly offers = new Map<string, { offer: Offer; item: HTMLElement; left: HTMLElement }>();
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly actions: OfferActions) {}

  get placeholder(): HTMLElement {
    return this.empty;
  }

  offered(message: RoutingMessage): void {
    const offer = message as unknown as Offer;
    if ([...this.offers.values()].some((o) => o.offer.offerId === offer.offerId)) return;
    this.ended(offer.interactionId, undefined);
    const left = el('span', { class: 'ocs-countdown' });
    const accept = el('button', { type: 'button', class: 'ocs-accept', onclick: () => this.answer(offer, 'accept') }, 'Accept');
    const decline = el('button', { type: 'button', class: 'ocs-decline', 'aria-pressed': 'false', onclick: () => this.answer(offer, 'decline') }, 'Decline');
    const item = el(
      'li',
      { class: 'ocs-offer', 'data-interaction': offer.interactionId, 'aria-label': `Chat offered from queue ${offer.queue}` },
      el('strong', {}, `New chat · ${offer.queue}`),
      el('span', {}, `waited ${duration(offer.waitMs)}`),
      left,
      el('span', { class: 'ocs-actions' }, accept, decline),
      el('span', { class: 'ocs-error', role: 'alert' }),
    );
    this.offers.set(offer.interactionId, { offer, item, left });
    this.element.append(item);
    this.show();
    this.tick();
    this.ticker ??= setInterval(() => this.tick(), 1000);
    // The offer takes the focus, unless the agent is writing somewhere (Enter there must not accept).
    if (!writing(document.activeElement)) accept.focus({ preventScroll: true });
  }

  /** The offer of `interactionId` is no longer open (`reason` from routing; none: it was answered here). */
  ended(interactionId: string, reason: string | undefined): void {
    const open = this.offers.get(interactionId);
    if (!open) return;
    this.offers.delete(interactionId);
    if (reason === undefined || reason === 'declined') {
      open.item.remove();
    } else {
      open.item.classList.add('ocs-offer-ended');
      open.item.dataset.ended = reason;
      open.item.replaceChildren(el('strong', {}, `Chat · ${open.offer.queue}`), el('span', { role: 'status' }, ENDED[reason] ?? 'The offer ended.'));
      setTimeout(() => {
        open.item.remove();
        this.show();
      }, ENDED_NOTE_MS);
    }
    this.show();
  }

  /** All open offers go (a sign-out of routing withdraws them). */
  clear(): void {
    for (const id of [...this.offers.keys()]) this.ended(id, undefined);
  }

  private async answer(offer: Offer, how: 'accept' | 'decline'): Promise<void> {
    const open = this.offers.get(offer.interactionId);
    if (!open) return;
    open.item.querySelectorAll('button').forEach((b) => (b.disabled = true));
    try {
      await this.actions[how](offer);
      this.ended(offer.interactionId, undefined);
    } catch (error) {
      open.item.querySelectorAll('button').forEach((b) => (b.disabled = false));
      const alert = open.item.querySelector('.ocs-error');
      if (alert) alert.textContent = (error as Error).message;
    }
  }

  private tick(): void {
    for (const { offer, left } of this.offers.values()) {
      const ms = offer.expiresAt - Date.now();
      left.textContent = ms > 0 ? `${Math.ceil(ms / 1000)} s left to answer` : 'Timing out…';
      left.dataset.urgent = String(ms < 10_000);
    }
    if (this.offers.size === 0) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private show(): void {
    this.empty.hidden = this.element.children.length > 0;
  }
}

function writing(element: Element | null): boolean {
  if (!element) return false;
  if (element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) return true;
  if (element instanceof HTMLInputElement) return !['button', 'submit', 'checkbox', 'radio'].includes(element.type);
  return (element as HTMLElement).isContentEditable;
}
