import { type AgentChannel, type SessionInfo, type WireEvent } from './agent-channel.js';
import { AFTER_ACTIONS, MODES, describe, fetchDocument, isFile, storeDocument, type Visibility } from './card-parts.js';
import { TypingReporter, bytes, clock, duration, el, saveBlob } from './dom.js';

/**
 * One chat on the desktop: its transcript (each position shown once, whatever the push, the join reply or a rejoin
 * after a reconnection brings), typing, read receipts, files, nickname, the end with an after-action, and for a
 * supervisor the switch between monitoring, coaching and conference (setVisibility) without leaving.
 */

export interface CardHost {
  channel: AgentChannel;
  /** The web API base (documents). */
  base: string;
  token: string;
  /** Something others wrote arrived. */
  incoming(): void;
  closed(card: ChatCard): void;
}

let cards = 0;

export class ChatCard {
  readonly element: HTMLElement;
  private userId = '';
  private visibility: Visibility;
  private readonly seen = new Set<number>();
  private readonly parties = new Map<string, { nickname: string; userType: string; at: number; present: boolean }>();
  /** Own messages and files by event id, with the visibility they were sent with. */
  private readonly own = new Map<number, { item: HTMLElement; visibility: Visibility }>();
  private lastOtherEventId = 0;
  private confirmed = 0;
  private lastActivity = 0;
  private done = false;
  private readonly id = ++cards;
  private readonly log = el('ol', { class: 'ocs-transcript', role: 'log', 'aria-live': 'polite', tabindex: 0 });
  private readonly typing = el('p', { class: 'ocs-typing', 'aria-live': 'polite' });
  private readonly error = el('p', { class: 'ocs-error', role: 'alert' });
  private readonly facts = el('dl', { class: 'ocs-facts' });
  private readonly title = el('h3', {}, 'Chat');
  private readonly modeButtons = new Map<Visibility, HTMLButtonElement>();
  private readonly text: HTMLTextAreaElement;
  private readonly typingReporter: TypingReporter;

  constructor(
    private readonly host: CardHost,
    readonly sessionId: string,
    private readonly join: Record<string, unknown>,
  ) {
    this.visibility = (join.visibility as Visibility | undefined) ?? 'ALL';
    const n = this.id;
    this.text = el('textarea', { id: `ocs-msg-${n}`, rows: 2 });
    this.typingReporter = new TypingReporter(
      () => this.quietly({ type: 'notify', noticeType: 'TYPING_STARTED' }),
      () => this.quietly({ type: 'notify', noticeType: 'TYPING_STOPPED' }),
    );
    this.text.addEventListener('input', () => this.typingReporter.keystroke());
    this.text.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        this.text.form?.requestSubmit();
      }
    });
    const nick = el('input', { id: `ocs-nick-${n}`, value: host.channel.nickname });
    const after = el('select', { id: `ocs-after-${n}` }, ...AFTER_ACTIONS.map(([value, label]) => el('option', { value }, label)));
    const file = el('input', { id: `ocs-file-${n}`, type: 'file', class: 'ocs-file', onchange: () => this.sendFile(file) });
    const modes = el('div', { class: 'ocs-modes', role: 'group', 'aria-label': 'Visibility' });
    if (host.channel.userType === 'SUPERVISOR') {
      for (const { visibility, label } of MODES) {
        const button = el(
          'button',
          { type: 'button', 'aria-pressed': 'false', 'data-visibility': visibility, onclick: () => this.setVisibility(visibility) },
          label,
        );
        this.modeButtons.set(visibility, button);
        modes.append(button);
      }
    }
    this.element = el(
      'article',
      { class: 'ocs-card', 'aria-labelledby': `ocs-title-${n}`, 'data-session': sessionId },
      el('header', {}, this.title, this.facts, modes),
      this.log,
      this.typing,
      this.error,
      el(
        'form',
        { class: 'ocs-compose', onsubmit: (e) => this.send(e) },
        el('label', { for: `ocs-msg-${n}` }, 'Message'),
        this.text,
        el(
          'div',
          { class: 'ocs-actions' },
          el('button', { type: 'submit' }, 'Send'),
          el('label', { for: `ocs-file-${n}`, class: 'ocs-button' }, 'Attach file'),
          file,
        ),
      ),
      el(
        'details',
        {},
        el('summary', {}, 'More'),
        el(
          'form',
          { class: 'ocs-inline', onsubmit: (e) => this.rename(e, nick.value) },
          el('label', { for: `ocs-nick-${n}` }, 'Nickname'),
          nick,
          el('button', { type: 'submit' }, 'Change'),
        ),
        el(
          'form',
          { class: 'ocs-inline', onsubmit: (e) => this.end(e, after.value) },
          el('label', { for: `ocs-after-${n}` }, 'After-action'),
          after,
          el('button', { type: 'submit' }, 'End chat'),
        ),
      ),
    );
    this.title.id = `ocs-title-${n}`;
    this.showMode();
  }

  /** Joins (again, after a reconnection: the drop made the party leave). */
  async open(): Promise<void> {
    const reply = await this.host.channel.request({ type: 'join', ...this.join, visibility: this.visibility });
    this.apply(reply as unknown as SessionInfo);
  }

  apply(info: SessionInfo): void {
    this.userId = info.userId;
    for (const event of info.events) if (!this.seen.has(event.position)) this.event(event);
    this.showFacts();
    if (info.status === 'CLOSED' || info.events.some((e) => e.kind === 'partyLeft' && e.userId === this.userId)) this.finish('The chat has ended.');
  }

  get closed(): boolean {
    return this.done;
  }

  /** Confirms as read what others wrote, while this page is in view. */
  confirmRead(): void {
    if (this.done || document.visibilityState !== 'visible' || this.lastOtherEventId <= this.confirmed) return;
    this.confirmed = this.lastOtherEventId;
    this.quietly({ type: 'notify', noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': String(this.confirmed) } });
  }

  private event(e: WireEvent): void {
    this.seen.add(e.position);
    const mine = e.userId === this.userId;
    if (e.kind === 'newParty') this.parties.set(e.userId, { nickname: e.nickname, userType: e.userType, at: e.at, present: true });
    if (e.kind === 'partyLeft')
      this.parties.set(e.userId, { ...(this.parties.get(e.userId) ?? { nickname: e.nickname, userType: e.userType, at: e.at }), present: false });
    if (e.kind === 'notice' && (e.noticeType === 'TYPING_STARTED' || e.noticeType === 'TYPING_STOPPED')) {
      if (!mine) this.typing.textContent = e.noticeType === 'TYPING_STARTED' ? `${e.nickname} is typing…` : '';
      return;
    }
    if (e.kind === 'notice' && e.text === 'read-confirm') {
      if (!mine) this.readUpTo(Number(e.userData?.['last-event-id'] ?? 0), e.userType);
      return;
    }
    if (e.kind === 'message' || e.kind === 'notice') this.lastActivity = e.at;
    const item = el('li', {
      class: `ocs-entry ${e.kind === 'message' || isFile(e) ? (mine ? 'ocs-own' : 'ocs-other') : 'ocs-system'}`,
      'data-position': e.position,
    });
    if (e.visibility !== 'ALL') item.append(el('span', { class: 'ocs-tag' }, e.visibility === 'INT' ? 'coaching' : 'supervisors only'));
    if (e.kind === 'message') {
      item.append(el('span', { class: 'ocs-from' }, mine ? 'You' : e.nickname), el('span', { class: 'ocs-text' }, e.text ?? ''));
      if (!mine) this.typing.textContent = '';
    } else if (isFile(e)) {
      const name = String(e.userData?.['file-name'] ?? 'file');
      const documentId = String(e.userData?.['file-document-id'] ?? '');
      item.append(
        el('span', { class: 'ocs-from' }, mine ? 'You' : e.nickname),
        el(
          'button',
          { type: 'button', class: 'ocs-link-button', onclick: () => this.download(documentId, name) },
          `Download ${name} (${bytes(Number(e.userData?.['file-size'] ?? 0))})`,
        ),
      );
    } else {
      item.append(el('span', { class: 'ocs-text' }, describe(e, mine)));
    }
    item.append(el('time', { class: 'ocs-time' }, clock(e.at)));
    this.log.append(item);
    item.scrollIntoView({ block: 'end' });
    if (mine && (e.kind === 'message' || isFile(e))) this.own.set(e.eventId, { item, visibility: e.visibility });
    if (!mine && (e.kind === 'message' || isFile(e))) {
      this.lastOtherEventId = e.eventId;
      this.host.incoming();
      this.confirmRead();
    }
  }

  /** A party of `readerType` read up to `eventId`: own entries it could see show as read. */
  private readUpTo(eventId: number, readerType: string): void {
    const readable: Visibility[] = readerType === 'CLIENT' ? ['ALL'] : readerType === 'AGENT' ? ['ALL', 'INT'] : ['ALL', 'INT', 'VIP'];
    for (const [id, { item, visibility }] of this.own) {
      if (id <= eventId && readable.includes(visibility) && !item.querySelector('.ocs-read')) item.append(el('span', { class: 'ocs-read' }, 'Read'));
    }
  }

  private showFacts(): void {
    const list = [...this.parties.values()];
    const customer = list.find((p) => p.userType === 'CLIENT');
    const firstAgent = list.find((p) => p.userType === 'AGENT');
    this.title.textContent = `${customer?.nickname ?? 'Chat'} · ${this.sessionId}`;
    const wait = customer ? (firstAgent?.at ?? Date.now()) - customer.at : 0;
    const present = list.filter((p) => p.present).map((p) => `${p.nickname} (${p.userType.toLowerCase()})`);
    this.facts.replaceChildren(
      el('dt', {}, 'Parties'),
      el('dd', { class: 'ocs-parties' }, present.join(', ')),
      el('dt', {}, 'Waited'),
      el('dd', {}, duration(wait)),
      el('dt', {}, 'Last activity'),
      el('dd', {}, this.lastActivity ? clock(this.lastActivity) : '—'),
    );
  }

  private showMode(): void {
    for (const [visibility, button] of this.modeButtons) button.setAttribute('aria-pressed', String(visibility === this.visibility));
    this.element.dataset.visibility = this.visibility;
  }

  private async setVisibility(visibility: Visibility): Promise<void> {
    if (visibility === this.visibility) return;
    if (await this.attempt({ type: 'setVisibility', visibility })) {
      this.visibility = visibility;
      this.showMode();
    }
  }

  private async send(event: Event): Promise<void> {
    event.preventDefault();
    const text = this.text.value.trim();
    if (!text) return;
    if (await this.attempt({ type: 'message', text })) {
      this.text.value = '';
      this.typingReporter.flush();
    }
  }

  private async rename(event: Event, nickname: string): Promise<void> {
    event.preventDefault();
    await this.attempt({ type: 'notify', noticeType: 'USER_UPDATE_NICK', text: nickname.trim() });
  }

  private async end(event: Event, afterAction: string): Promise<void> {
    event.preventDefault();
    if (await this.attempt({ type: 'releaseParty', afterAction })) this.finish('You left the chat.');
  }

  private async sendFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      const userData = await storeDocument(this.host.base, this.host.token, file);
      await this.attempt({ type: 'notify', noticeType: 'SYS_COMMAND', text: 'file-uploaded', userData });
    } catch (error) {
      this.error.textContent = `The file could not be sent: ${(error as Error).message}`;
    }
  }

  private async download(documentId: string, name: string): Promise<void> {
    try {
      saveBlob(await fetchDocument(this.host.base, this.host.token, documentId), name);
    } catch (error) {
      this.error.textContent = (error as Error).message;
    }
  }

  /** A request in this session; a refusal is shown on the card. */
  private async attempt(body: Record<string, unknown>): Promise<boolean> {
    this.error.textContent = '';
    try {
      await this.host.channel.request({ ...body, sessionId: this.sessionId });
      return true;
    } catch (error) {
      this.error.textContent = (error as Error).message;
      return false;
    }
  }

  private quietly(body: Record<string, unknown>): void {
    if (!this.done) this.host.channel.request({ ...body, sessionId: this.sessionId }).catch(() => undefined);
  }

  private finish(text: string): void {
    if (this.done) return;
    this.done = true;
    this.typing.textContent = '';
    this.element.classList.add('ocs-ended');
    this.element.querySelectorAll('form, .ocs-modes').forEach((f) => f.setAttribute('hidden', ''));
    this.element.append(el('p', { class: 'ocs-note', role: 'status' }, text), el('button', { type: 'button', onclick: () => this.host.closed(this) }, 'Close'));
  }
}
