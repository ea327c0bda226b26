import { AgentChannel, type Registration, type SessionInfo } from './agent-channel.js';
import { ChatCard, type CardHost } from './chat-card.js';
import { el } from './dom.js';

/**
 * The agent and supervisor desktop (`/console/agent`): sign in with an agent token, open chats by session id (the
 * ids routing hands out, with the session password when the session has one), several side by side. A supervisor
 * opens a chat to monitor, coach or join, and switches live. The title flashes while something new waits unseen.
 *
 * Routing (presence, capacity, offers, the queue, transfer to a queue) gets its place in `#ocs-routing`, which
 * stays empty until the product's built-in routing offers it to desktops.
 */

const base = location.origin;
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/agent/ws`;
const app = document.getElementById('ocs-desktop') as HTMLElement;
const baseTitle = document.title;

class Desktop implements CardHost {
  private readonly cards = new Map<string, ChatCard>();
  private readonly grid = el('div', { class: 'ocs-cards', 'aria-label': 'Chats' });
  private readonly status = el('p', { class: 'ocs-link', role: 'status' });
  private readonly error = el('p', { class: 'ocs-error', role: 'alert' });
  private flashTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly channel: AgentChannel,
    readonly token: string,
  ) {}

  get base(): string {
    return base;
  }

  show(): void {
    const role = this.channel.userType === 'SUPERVISOR';
    const session = el('input', { id: 'ocs-session', required: true, autocomplete: 'off', spellcheck: 'false' });
    const password = el('input', { id: 'ocs-password', type: 'password', autocomplete: 'off' });
    const visibility = el(
      'select',
      { id: 'ocs-join-visibility' },
      ...(role
        ? [
            el('option', { value: 'VIP' }, 'Monitor (invisible)'),
            el('option', { value: 'INT' }, 'Coach (agents only)'),
            el('option', { value: 'ALL' }, 'Conference'),
          ]
        : [el('option', { value: 'ALL' }, 'Conference'), el('option', { value: 'INT' }, 'Consult (agents only)')]),
    );
    const opener = el(
      'form',
      { class: 'ocs-open', onsubmit: (e) => this.openFromForm(e, session, password, visibility) },
      el('div', { class: 'ocs-field' }, el('label', { for: 'ocs-session' }, 'Session id'), session),
      el('div', { class: 'ocs-field' }, el('label', { for: 'ocs-password' }, 'Session password (if any)'), password),
      el('div', { class: 'ocs-field' }, el('label', { for: 'ocs-join-visibility' }, 'Join as'), visibility),
      el('button', { type: 'submit' }, 'Open chat'),
    );
    app.replaceChildren(
      el(
        'header',
        { class: 'ocs-bar' },
        el('h1', {}, role ? 'Supervisor desktop' : 'Agent desktop'),
        el('span', { class: 'ocs-who' }, `${this.channel.nickname} (${this.channel.userType.toLowerCase()})`),
        this.status,
        el('button', { type: 'button', onclick: () => this.signOut() }, 'Sign out'),
      ),
      el('section', { id: 'ocs-routing', 'aria-label': 'Routing', hidden: true }),
      el('section', { class: 'ocs-opener', 'aria-label': 'Open a chat' }, opener, this.error),
      el('section', { 'aria-label': role ? 'Live sessions' : 'Chats' }, el('h2', {}, role ? 'Live sessions' : 'Chats'), this.grid),
    );
    this.link(true);
    const wanted = new URLSearchParams(location.search).get('session');
    if (wanted) void this.openChat(wanted, { sessionId: wanted }).catch(() => undefined);
    window.addEventListener('focus', () => this.seen());
    document.addEventListener('visibilitychange', () => this.seen());
    session.focus();
  }

  pushed(info: SessionInfo): void {
    this.cards.get(info.sessionId)?.apply(info);
  }

  link(up: boolean): void {
    this.status.textContent = up ? 'Connected' : 'Connection lost, reconnecting…';
    this.status.dataset.state = up ? 'live' : 'offline';
  }

  /** Back after a drop: the drop made the party leave its chats, so each open one is joined again. */
  reconnected(): void {
    for (const card of this.cards.values()) if (!card.closed) card.open().catch((error: Error) => (this.error.textContent = error.message));
  }

  incoming(): void {
    if (document.visibilityState === 'visible' && document.hasFocus()) return;
    if (this.flashTimer !== undefined) return;
    let on = false;
    this.flashTimer = setInterval(() => {
      on = !on;
      document.title = on ? `● New message · ${baseTitle}` : baseTitle;
    }, 1000);
  }

  closed(card: ChatCard): void {
    this.cards.delete(card.sessionId);
    card.element.remove();
  }

  private seen(): void {
    if (document.visibilityState !== 'visible') return;
    clearInterval(this.flashTimer);
    this.flashTimer = undefined;
    document.title = baseTitle;
    for (const card of this.cards.values()) card.confirmRead();
  }

  private async openFromForm(event: Event, session: HTMLInputElement, password: HTMLInputElement, visibility: HTMLSelectElement): Promise<void> {
    event.preventDefault();
    const sessionId = session.value.trim();
    const join: Record<string, unknown> = { sessionId, visibility: visibility.value };
    if (password.value) join.userData = { GCTI_Chat_SessionPassword: password.value };
    try {
      await this.openChat(sessionId, join);
      session.value = '';
      password.value = '';
    } catch {
      // shown by openChat
    }
  }

  private async openChat(sessionId: string, join: Record<string, unknown>): Promise<void> {
    this.error.textContent = '';
    if (this.cards.has(sessionId)) return;
    const card = new ChatCard(this, sessionId, join);
    this.cards.set(sessionId, card);
    try {
      await card.open();
      this.grid.append(card.element);
    } catch (error) {
      this.cards.delete(sessionId);
      this.error.textContent = `The chat could not be opened: ${(error as Error).message}`;
      throw error;
    }
  }

  private signOut(): void {
    sessionStorage.removeItem(SIGN_IN);
    this.channel.close();
    location.reload();
  }
}

const SIGN_IN = 'ocs-console-agent';

function signInForm(): void {
  const error = el('p', { class: 'ocs-error', role: 'alert' });
  const token = el('input', { id: 'ocs-token', type: 'password', required: true, autocomplete: 'current-password' });
  const nickname = el('input', { id: 'ocs-nickname', required: true, autocomplete: 'nickname' });
  const userType = el('select', { id: 'ocs-user-type' }, el('option', { value: 'AGENT' }, 'Agent'), el('option', { value: 'SUPERVISOR' }, 'Supervisor'));
  if (location.pathname.endsWith('/supervisor')) userType.value = 'SUPERVISOR';
  const form = el(
    'form',
    {
      class: 'ocs-signin',
      onsubmit: (e) => {
        e.preventDefault();
        void signIn({ token: token.value, nickname: nickname.value.trim(), userType: userType.value as Registration['userType'] }, error);
      },
    },
    el('h1', {}, 'Sign in'),
    el('label', { for: 'ocs-token' }, 'Agent token'),
    token,
    el('label', { for: 'ocs-nickname' }, 'Nickname'),
    nickname,
    el('label', { for: 'ocs-user-type' }, 'Role'),
    userType,
    el('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  app.replaceChildren(form);
  token.focus();
}

async function signIn(registration: Registration, error: HTMLElement): Promise<void> {
  let desktop: Desktop | undefined;
  try {
    const channel = await AgentChannel.open(wsUrl, registration, {
      pushed: (info) => desktop?.pushed(info),
      reconnected: () => desktop?.reconnected(),
      link: (up) => desktop?.link(up),
    });
    // Kept for this tab only, so a reload signs in again.
    sessionStorage.setItem(SIGN_IN, JSON.stringify(registration));
    desktop = new Desktop(channel, registration.token);
    desktop.show();
  } catch (e) {
    sessionStorage.removeItem(SIGN_IN);
    error.textContent = `Sign-in failed: ${(e as Error).message}`;
  }
}

const kept = sessionStorage.getItem(SIGN_IN);
signInForm();
if (kept) void signIn(JSON.parse(kept) as Registration, app.querySelector('.ocs-error') as HTMLElement);
