import type { AgentChannel } from './agent-channel.js';
import { clock, duration, el } from './dom.js';

/**
 * The supervisor's live sessions (`listSessions` of the agent WebSocket, refreshed every few seconds): who is in each,
 * how long the customer waited (still waiting: highlighted), when something last happened, and a join from the row
 * to monitor or coach it. A session already open on the desktop says so instead.
 */

interface LiveParty {
  nickname: string;
  userType: string;
  visibility: string;
  isBot?: boolean;
}

interface LiveSession {
  sessionId: string;
  endpoint: string;
  createdAt: number;
  parties: LiveParty[];
  waiting: boolean;
  waitMs: number;
  lastActivityAt: number;
  monitored: boolean;
}

export interface SessionListHost {
  channel: AgentChannel;
  /** Joins the session with that visibility (VIP monitor, INT coach). */
  watch(sessionId: string, visibility: 'VIP' | 'INT'): Promise<void>;
  isOpen(sessionId: string): boolean;
}

const REFRESH_MS = 3000;

export class SessionList {
  readonly element: HTMLElement;
  private readonly rows = el('tbody');
  private readonly status = el('p', { class: 'ocs-note', role: 'status', 'aria-live': 'off' });
  private readonly error = el('p', { class: 'ocs-error', role: 'alert' });
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: SessionListHost) {
    this.element = el(
      'section',
      { id: 'ocs-live-sessions', class: 'ocs-opener', 'aria-labelledby': 'ocs-live-title' },
      el('h2', { id: 'ocs-live-title' }, 'Live sessions'),
      this.status,
      this.error,
      el(
        'table',
        { class: 'ocs-sessions' },
        el('caption', { class: 'ocs-visually-hidden' }, 'Live sessions you may monitor, oldest first'),
        el('thead', {}, el('tr', {}, ...['Parties', 'Endpoint', 'Waited', 'Last activity', 'Join'].map((h) => el('th', { scope: 'col' }, h)))),
        this.rows,
      ),
    );
  }

  start(): void {
    void this.load();
    this.timer ??= setInterval(() => void this.load(), REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the list again now (after a join, so the row says the session is open). */
  async load(): Promise<void> {
    try {
      const reply = await this.host.channel.request({ type: 'listSessions' });
      this.show(reply.sessions as LiveSession[], Number(reply.at));
      this.error.textContent = '';
    } catch (error) {
      this.error.textContent = `The live sessions could not be read: ${(error as Error).message}`;
    }
  }

  private show(sessions: LiveSession[], at: number): void {
    this.status.textContent = `${sessions.length === 0 ? 'No live session' : `${sessions.length} live`} · updated ${clock(at)}`;
    // A row keeps its element (and the focus on its buttons) across refreshes; only its cells change.
    const kept = new Map([...this.rows.children].map((row) => [(row as HTMLElement).dataset.session as string, row as HTMLTableRowElement]));
    const rows = sessions.map((s) => this.row(s, kept.get(s.sessionId), at));
    for (const [id, row] of kept) if (!sessions.some((s) => s.sessionId === id)) row.remove();
    rows.forEach((row) => this.rows.append(row));
  }

  private row(s: LiveSession, existing: HTMLTableRowElement | undefined, at: number): HTMLTableRowElement {
    const row = existing ?? el('tr', { 'data-session': s.sessionId });
    const customer = s.parties.find((p) => p.userType === 'CLIENT')?.nickname ?? s.sessionId;
    const parties = s.parties.map(
      (p) =>
        `${p.nickname} (${p.isBot ? 'bot' : p.userType.toLowerCase()}${p.visibility === 'ALL' ? '' : p.visibility === 'INT' ? ', coaching' : ', monitoring'})`,
    );
    const cells = [
      el('td', { class: 'ocs-parties', 'data-label': 'Parties' }, parties.join(', ')),
      el('td', { 'data-label': 'Endpoint' }, s.endpoint),
      el(
        'td',
        { 'data-label': 'Waited', class: s.waiting ? 'ocs-waiting-now' : undefined },
        s.waiting ? `${duration(s.waitMs)}, still waiting` : duration(s.waitMs),
      ),
      el(
        'td',
        { 'data-label': 'Last activity' },
        el('time', { datetime: new Date(s.lastActivityAt).toISOString() }, `${clock(s.lastActivityAt)} (${duration(at - s.lastActivityAt)} ago)`),
      ),
      el('td', { 'data-label': 'Join' }, this.actions(s.sessionId, customer)),
    ];
    if (!existing) row.replaceChildren(...cells);
    else cells.forEach((cell, i) => this.replaceCell(row, i, cell));
    row.dataset.waiting = String(s.waiting);
    return row;
  }

  /** Replaces a cell unless the focus is inside it (a refresh must not take the focus away from a button). */
  private replaceCell(row: HTMLTableRowElement, i: number, cell: HTMLElement): void {
    const old = row.cells[i];
    if (old && old.contains(document.activeElement) && old.textContent === cell.textContent) return;
    if (old) old.replaceWith(cell);
    else row.append(cell);
  }

  private actions(sessionId: string, customer: string): HTMLElement {
    if (this.host.isOpen(sessionId)) return el('span', { class: 'ocs-note' }, 'Open below');
    const join = (visibility: 'VIP' | 'INT') => async (e: Event) => {
      (e.currentTarget as HTMLButtonElement).disabled = true;
      try {
        await this.host.watch(sessionId, visibility);
      } catch {
        // the desktop shows why
      }
      await this.load();
    };
    return el(
      'span',
      { class: 'ocs-actions' },
      el('button', { type: 'button', class: 'ocs-monitor', 'aria-label': `Monitor the chat of ${customer}`, onclick: join('VIP') }, 'Monitor'),
      el('button', { type: 'button', class: 'ocs-coach', 'aria-label': `Coach in the chat of ${customer}`, onclick: join('INT') }, 'Coach'),
    );
  }
}
