import { TypingReporter, bytes, clock, el, saveBlob } from './dom.js';
import { ChatProblem, GmsChannel, type ChatIdentity, type GmsMessage, type Link } from './gms-channel.js';

/**
 * The customer chat widget: request a chat with a name and a subject, then a transcript (own, agent and system
 * entries), typing both ways, read receipts, files, and ending the chat. The chat's identity is kept in
 * sessionStorage, so a reload finds the chat again and shows its whole transcript.
 */

export interface WidgetOptions {
  /** Origin of the chat service (the page that served widget.js). */
  base: string;
  service: string;
}

const STORE = 'ocs-console-chat';
const LINK_TEXT: Record<Link, string> = {
  connecting: 'Connecting…',
  live: 'Connected',
  polling: 'Connected (polling)',
  offline: 'Connection lost, reconnecting…',
};

export function mountWidget(root: HTMLElement, options: WidgetOptions): void {
  new Widget(root, options).show();
}

class Widget {
  private channel: GmsChannel | undefined;
  private readonly status = el('p', { class: 'ocs-link', role: 'status' });
  private readonly error = el('p', { class: 'ocs-error', role: 'alert' });
  private readonly name = el('input', { id: 'ocs-name', name: 'nickname', autocomplete: 'name', required: true, maxlength: 64 });
  private readonly subject = el('input', { id: 'ocs-subject', name: 'subject', maxlength: 200 });
  private readonly startForm = el(
    'form',
    { class: 'ocs-start', onsubmit: (e) => this.requestChat(e) },
    el('label', { for: 'ocs-name' }, 'Your name'),
    this.name,
    el('label', { for: 'ocs-subject' }, 'Subject'),
    this.subject,
    el('button', { type: 'submit' }, 'Start chat'),
  );
  private readonly log = el('ol', { class: 'ocs-transcript', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: 0 });
  private readonly typing = el('p', { class: 'ocs-typing', 'aria-live': 'polite' });
  private readonly text = el('textarea', { id: 'ocs-message', rows: 2, maxlength: 4000 });
  private readonly file = el('input', { id: 'ocs-file', type: 'file', class: 'ocs-file', onchange: () => this.sendFile() });
  private readonly chatPane = el(
    'div',
    { class: 'ocs-chat-pane', hidden: true },
    this.log,
    this.typing,
    el(
      'form',
      { class: 'ocs-compose', onsubmit: (e) => this.send(e) },
      el('label', { for: 'ocs-message' }, 'Message'),
      this.text,
      el(
        'div',
        { class: 'ocs-actions' },
        el('button', { type: 'submit' }, 'Send'),
        el('label', { for: 'ocs-file', class: 'ocs-button' }, 'Attach file'),
        this.file,
      ),
    ),
    el('button', { type: 'button', class: 'ocs-end', onclick: () => this.end() }, 'End chat'),
  );
  private readonly typingReporter = new TypingReporter(
    () => this.quietly('startTyping'),
    () => this.quietly('stopTyping'),
  );
  /** Own message entries by index, for read receipts. */
  private readonly own = new Map<number, HTMLElement>();
  private readByAgent = 0;
  private lastAgentIndex = 0;
  private confirmed = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly options: WidgetOptions,
  ) {}

  show(): void {
    this.root.classList.add('ocs-widget');
    this.root.append(el('h2', { class: 'ocs-title' }, 'Chat with us'), this.status, this.error, this.startForm, this.chatPane);
    this.text.addEventListener('input', () => this.typingReporter.keystroke());
    this.text.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        this.text.form?.requestSubmit();
      }
    });
    document.addEventListener('visibilitychange', () => this.confirmRead());
    const kept = sessionStorage.getItem(STORE);
    if (kept) this.resume(JSON.parse(kept) as ChatIdentity);
  }

  private async requestChat(event: Event): Promise<void> {
    event.preventDefault();
    this.problem(undefined);
    const nickname = this.name.value.trim();
    if (!nickname) return this.problem('Please enter your name.');
    try {
      const channel = await GmsChannel.request(this.options.base, this.options.service, nickname, this.subject.value.trim(), this.events());
      sessionStorage.setItem(STORE, JSON.stringify(channel.identity));
      this.open(channel);
    } catch (error) {
      this.problem(error);
    }
  }

  private resume(identity: ChatIdentity): void {
    this.open(new GmsChannel(this.options.base, this.options.service, identity, this.events()));
  }

  private open(channel: GmsChannel): void {
    this.channel = channel;
    this.startForm.hidden = true;
    this.chatPane.hidden = false;
    channel.start();
    this.text.focus();
  }

  private events() {
    return {
      entries: (messages: GmsMessage[]) => messages.forEach((m) => this.entry(m)),
      link: (state: Link) => {
        this.status.textContent = LINK_TEXT[state];
        this.status.dataset.state = state;
      },
      ended: () => this.ended(),
    };
  }

  private entry(m: GmsMessage): void {
    const mine = m.from.type === 'Client' && m.from.nickname === this.channel?.identity.nickname;
    switch (m.type) {
      case 'TypingStarted':
        if (!mine) this.typing.textContent = `${m.from.nickname} is typing…`;
        return;
      case 'TypingStopped':
        if (!mine) this.typing.textContent = '';
        return;
      case 'Notice':
      case 'CustomNotice':
        // Read confirmations (the agent's, and this widget's own custom notice) are receipts, not entries.
        if (m.text === 'read-confirm') {
          if (!mine) this.readUpTo(Number(m.userData?.['last-event-id'] ?? 0));
          return;
        }
        if (m.type === 'Notice') return;
    }
    const item = el('li', { class: `ocs-entry ${this.kind(m, mine)}`, 'data-index': m.index });
    if (m.type === 'Message') {
      if (!mine) this.typing.textContent = '';
      item.append(el('span', { class: 'ocs-from' }, mine ? 'You' : m.from.nickname), el('span', { class: 'ocs-text' }, m.text ?? ''));
      if (mine) this.own.set(m.index, item);
      else this.lastAgentIndex = m.index;
    } else if (m.type === 'FileUploaded') {
      const name = String(m.userData?.['file-name'] ?? 'file');
      const fileId = String(m.userData?.['file-id'] ?? '');
      item.append(
        el('span', { class: 'ocs-from' }, mine ? 'You' : m.from.nickname),
        el(
          'button',
          { type: 'button', class: 'ocs-link-button', onclick: () => this.download(fileId, name) },
          `Download ${name} (${bytes(Number(m.userData?.['file-size'] ?? 0))})`,
        ),
      );
      if (!mine) this.lastAgentIndex = m.index;
    } else {
      item.append(el('span', { class: 'ocs-text' }, systemText(m, mine)));
    }
    item.append(el('time', { class: 'ocs-time' }, clock(m.utcTime)));
    this.log.append(item);
    item.scrollIntoView({ block: 'end' });
    this.confirmRead();
  }

  private kind(m: GmsMessage, mine: boolean): string {
    if (m.type !== 'Message' && m.type !== 'FileUploaded') return 'ocs-system';
    return mine ? 'ocs-own' : 'ocs-other';
  }

  /** The agent read up to `index`: own messages up to there show as read. */
  private readUpTo(index: number): void {
    this.readByAgent = Math.max(this.readByAgent, index);
    for (const [i, item] of this.own) {
      if (i <= this.readByAgent && !item.querySelector('.ocs-read')) item.append(el('span', { class: 'ocs-read' }, 'Read'));
    }
  }

  /** Tells the agent what the customer has read, once the page is in view (a custom notice; see docs/api/console.md). */
  private confirmRead(): void {
    if (document.visibilityState !== 'visible' || this.lastAgentIndex <= this.confirmed || !this.channel) return;
    this.confirmed = this.lastAgentIndex;
    this.quietly('customNotice', { message: 'read-confirm', 'userData[last-event-id]': String(this.confirmed) });
  }

  private async send(event: Event): Promise<void> {
    event.preventDefault();
    const message = this.text.value.trim();
    if (!message || !this.channel) return;
    this.problem(undefined);
    try {
      await this.channel.op('send', { message });
      this.text.value = '';
      this.typingReporter.flush();
    } catch (error) {
      this.problem(error);
    }
  }

  private async sendFile(): Promise<void> {
    const file = this.file.files?.[0];
    this.file.value = '';
    if (!file || !this.channel) return;
    this.problem(undefined);
    try {
      await this.channel.upload(file);
    } catch (error) {
      this.problem(error);
    }
  }

  private async download(fileId: string, name: string): Promise<void> {
    try {
      if (this.channel) saveBlob(await this.channel.download(fileId), name);
    } catch (error) {
      this.problem(error);
    }
  }

  private quietly(operation: string, fields: Record<string, string> = {}): void {
    this.channel?.op(operation, fields).catch(() => undefined);
  }

  private async end(): Promise<void> {
    await this.channel?.close(true);
    this.ended();
  }

  private ended(): void {
    sessionStorage.removeItem(STORE);
    this.typing.textContent = '';
    this.chatPane.querySelector('form')?.setAttribute('hidden', '');
    this.chatPane.querySelector('.ocs-end')?.setAttribute('hidden', '');
    this.status.textContent = 'The chat has ended.';
    this.status.dataset.state = 'ended';
    const again = el('button', { type: 'button', onclick: () => location.reload() }, 'Start a new chat');
    this.chatPane.append(again);
    again.focus();
  }

  private problem(error: unknown): void {
    this.error.textContent =
      error === undefined
        ? ''
        : error instanceof ChatProblem || typeof error === 'string'
          ? String((error as Error).message ?? error)
          : 'Something went wrong.';
    if (error instanceof ChatProblem && error.code === 404) this.ended();
  }
}

function systemText(m: GmsMessage, mine: boolean): string {
  const who = m.from.nickname;
  switch (m.type) {
    case 'ParticipantJoined':
      return mine ? 'You joined the chat' : `${who} joined the chat`;
    case 'ParticipantLeft':
      return mine ? 'You left the chat' : `${who} left the chat`;
    case 'PushUrl':
      return `${who} shared ${m.text ?? ''}`;
    case 'NicknameUpdated':
      return `${who} is now called ${m.text ?? ''}`;
    default:
      return m.text ?? m.type;
  }
}
