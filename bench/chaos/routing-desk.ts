import type { ChatRecord } from './records';

/** An offer or a hand-over (`routed`) an agent heard, for the routing check. */
export interface Heard {
  agent: string;
  offerId: string;
  at: number;
  /** The order in which the agents heard it (the same millisecond holds several). */
  seq: number;
}

/** What the agents heard of one chat from the built-in routing. */
export interface RoutingOfChat {
  interactionId?: string;
  offers: Heard[];
  routed: Heard[];
  /** Reasons of `returned` events: the chat went back to its queue. */
  returned: string[];
}

/**
 * Where the agents and the chat scripts meet: the agents tell what routing offered and handed over to them (a chat
 * may be routed before its customer's request came back, so the script's record is waited for), the scripts wait
 * for the agent their chat was routed to. At the end it tells, chat by chat, what routing did.
 */
export class RoutingDesk<Agent> {
  private readonly bySession = new Map<string, RoutingOfChat>();
  private readonly sessionOf = new Map<string, string>();
  private readonly early = new Map<string, Heard[]>();
  private readonly records = new Map<string, ChatRecord>();
  private readonly owners = new Map<string, Agent>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private heard = 0;

  private of(sessionId: string): RoutingOfChat {
    const found = this.bySession.get(sessionId) ?? { offers: [], routed: [], returned: [] };
    this.bySession.set(sessionId, found);
    return found;
  }

  /** An offer an agent got (once per offer id and agent); the interaction's session may not be known yet. */
  offered(agent: string, offerId: string, interactionId: string): void {
    const heard = { agent, offerId, at: Date.now(), seq: ++this.heard };
    const sessionId = this.sessionOf.get(interactionId);
    if (sessionId) this.of(sessionId).offers.push(heard);
    else this.early.set(interactionId, [...(this.early.get(interactionId) ?? []), heard]);
  }

  /**
   * A chat handed over to `agent` for its offer `offerId`. Resolves true when the agent is to join it: the first
   * agent routing gave it to, again after a reconnection; a second agent is recorded (the check reports it) and told no.
   */
  routed(agent: string, owner: Agent, offerId: string, interactionId: string, sessionId: string): boolean {
    this.sessionOf.set(interactionId, sessionId);
    const chat = this.of(sessionId);
    chat.interactionId = interactionId;
    chat.offers.push(...(this.early.get(interactionId) ?? []));
    this.early.delete(interactionId);
    if (!chat.routed.some((r) => r.offerId === offerId && r.agent === agent)) chat.routed.push({ agent, offerId, at: Date.now(), seq: ++this.heard });
    const first = this.owners.get(sessionId);
    if (first !== undefined && first !== owner) return false;
    this.owners.set(sessionId, owner);
    return true;
  }

  returned(interactionId: string, reason: string): void {
    const sessionId = this.sessionOf.get(interactionId);
    if (sessionId) this.of(sessionId).returned.push(reason);
  }

  /** The script's record of `sessionId`, once the script has it. */
  async record(sessionId: string): Promise<ChatRecord> {
    for (;;) {
      const record = this.records.get(sessionId);
      if (record) return record;
      await new Promise<void>((done) => this.waiters.set(sessionId, [...(this.waiters.get(sessionId) ?? []), done]));
    }
  }

  /** The agent has joined the chat routed to it: its script goes on. */
  joined(sessionId: string): void {
    for (const done of this.waiters.get(`joined ${sessionId}`) ?? []) done();
    this.waiters.delete(`joined ${sessionId}`);
  }

  /** Hands the script's record to the agents, and waits (at most `forMs`) for the agent routing gave the chat to. */
  async agentFor(record: ChatRecord, forMs: number, isIn: (agent: Agent) => boolean): Promise<Agent | undefined> {
    this.records.set(record.sessionId, record);
    for (const done of this.waiters.get(record.sessionId) ?? []) done();
    this.waiters.delete(record.sessionId);
    const deadline = Date.now() + forMs;
    for (;;) {
      const owner = this.owners.get(record.sessionId);
      if (owner !== undefined && isIn(owner)) return owner;
      if (Date.now() >= deadline) return undefined;
      await new Promise<void>((done) => {
        const timer = setTimeout(done, deadline - Date.now());
        const key = `joined ${record.sessionId}`;
        this.waiters.set(key, [
          ...(this.waiters.get(key) ?? []),
          () => {
            clearTimeout(timer);
            done();
          },
        ]);
      });
    }
  }

  /** What routing did with the chat of `sessionId`. */
  chat(sessionId: string): RoutingOfChat {
    return this.bySession.get(sessionId) ?? { offers: [], routed: [], returned: [] };
  }
}
