import { ChatError, OUTBOUND_ENTRY, checkNickname, checkTenant, isChatError, type JoinScope } from '@ocs/chat-domain';
import type { ChatEngineApi, PartyCredentials, SessionView } from '@ocs/chat-engine';
import {
  AGENT_CLOSE_CODES,
  AgentApiError,
  errorEvent,
  parseAgentRequest,
  registeredEvent,
  toAck,
  toIdentity,
  toJoinRequest,
  toLeaveOptions,
  toMessageRequest,
  toNoticeRequest,
  toSessionInfo,
  type AgentIdentity,
  type AgentJoinRequest,
  type AgentRequest,
  type RegisterRequest,
  type RequestId,
  type ServerEvent,
} from '@ocs/agent-protocol';
import { AgentRoutingLink, type AgentRoutingPorts } from './agent-routing';
import type { AgentTokens } from './agent-tokens';

export interface AgentLogger {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
}

/** Failed registrations of the connection's remote address (`AuthBackoff` for that address). */
export interface RegisterGuard {
  /** Milliseconds before the address may try again; 0: now. */
  waitMs(): number;
  failed(): void;
}

const NO_GUARD: RegisterGuard = { waitMs: () => 0, failed: () => undefined };

/** What a connection needs of its socket. */
export interface AgentSocket {
  send(event: ServerEvent): void;
  close(code: number, reason: string): void;
}

interface JoinedSession {
  party: PartyCredentials;
  detach(): void;
}

/**
 * One agent-side client: it registers once, then joins sessions and acts in them. Requests are handled one at
 * a time in arrival order, so replies come in request order and a request may use the session joined by the
 * one before. Nothing here logs message texts, user data, tokens or secure keys.
 */
/** Told of each request a connection handled: its type, whether it succeeded, and how long it took (seconds). */
export type AgentRequestObserver = (type: string, ok: boolean, seconds: number) => void;

export class AgentConnection {
  private identity: AgentIdentity | undefined;
  /** The scope of the token the connection registered with. */
  private scope: JoinScope = {};
  private readonly sessions = new Map<string, JoinedSession>();
  private queue: Promise<void> = Promise.resolve();
  private dropped = false;
  private routingLink: AgentRoutingLink | undefined;

  constructor(
    private readonly engine: ChatEngineApi,
    private readonly tokens: AgentTokens,
    private readonly socket: AgentSocket,
    private readonly logger: AgentLogger,
    /** Longest nickname (`nickname-max-length`): checked at `register` already, not only when joining. */
    private readonly nicknameMaxLength: number,
    private readonly guard: RegisterGuard = NO_GUARD,
    /**
     * `onRequest`: told of each request handled (metrics); `routing`: the built-in routing, absent where `[routing]
     * mode` is manual (its requests are refused then).
     */
    private readonly extras: { onRequest?: AgentRequestObserver; routing?: AgentRoutingPorts } = {},
  ) {}

  get registered(): boolean {
    return this.identity !== undefined;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** One text frame from the client. */
  receive(raw: string): void {
    this.queue = this.queue.then(() => this.process(raw));
  }

  /**
   * The connection is gone: requests not yet started are skipped, and once the running one is done the
   * connection's parties leave all their sessions (reason: disconnect). Resolves when they have.
   */
  drop(): Promise<void> {
    this.dropped = true;
    this.queue = this.queue.then(() => this.leaveAll()).then(() => this.routingLink?.lost());
    return this.queue;
  }

  private async process(raw: string): Promise<void> {
    if (this.dropped) return;
    const parsed = parseAgentRequest(raw);
    if (!parsed.ok) return this.socket.send(parsed.error);
    const start = this.extras.onRequest && performance.now();
    let ok = true;
    try {
      await this.handle(parsed.request);
    } catch (error) {
      ok = false;
      this.fail(parsed.request, error);
    }
    if (start !== undefined) this.extras.onRequest?.(parsed.request.type, ok, (performance.now() - start) / 1000);
  }

  private async handle(request: AgentRequest): Promise<void> {
    if (request.type === 'register') return this.register(request);
    const identity = this.identity;
    if (!identity) throw new AgentApiError('NOT_REGISTERED', `send register before ${request.type}`);
    switch (request.type) {
      case 'join':
        return this.join(identity, request);
      case 'message':
        return this.socket.send(toAck(request, (await this.engine.message(this.party(request.sessionId), toMessageRequest(request))).event));
      case 'notify':
        return this.socket.send(toAck(request, (await this.engine.notice(this.party(request.sessionId), toNoticeRequest(request))).event));
      case 'releaseParty': {
        const { event } = await this.engine.leave(this.party(request.sessionId), request.afterAction, toLeaveOptions(request));
        this.forget(request.sessionId);
        return this.socket.send(toAck(request, event));
      }
      case 'setVisibility':
        return this.socket.send(toAck(request, (await this.engine.changeVisibility(this.party(request.sessionId), request.visibility)).event));
      case 'refresh':
        return this.deliver(await this.engine.read(this.party(request.sessionId), request.fromPosition), request.requestId);
      default:
        return this.routingFor(identity).handle(request);
    }
  }

  /** The connection's link to routing; the agent is its `personId`, else its nickname. */
  private routingFor(identity: AgentIdentity): AgentRoutingLink {
    if (!this.extras.routing) throw new AgentApiError('BAD_REQUEST', 'built-in routing is off here ([routing] mode is manual)');
    this.routingLink ??= new AgentRoutingLink(this.extras.routing, identity.personId ?? identity.nickname, this.scope, (event) => this.socket.send(event));
    return this.routingLink;
  }

  private register(request: RegisterRequest): void {
    if (this.identity) throw new AgentApiError('ALREADY_REGISTERED', 'this connection is already registered');
    const wait = this.guard.waitMs();
    if (wait > 0) {
      this.logger.warn({ waitMs: wait }, 'agent registration refused: too many failed registrations from this address');
      throw new AgentApiError('TOO_MANY_AUTH_FAILURES', `too many failed registrations from this address; try again in ${Math.ceil(wait / 1000)} s`);
    }
    const token = this.tokens.find(request.token);
    if (!token) {
      this.guard.failed();
      this.logger.warn({ userType: request.userType }, 'agent registration refused: unknown token');
      throw new AgentApiError('AUTH_FAILED', 'unknown token');
    }
    if (!token.userTypes.includes(request.userType)) {
      this.logger.warn({ token: token.name, userType: request.userType }, 'agent registration refused: user type not allowed');
      throw new AgentApiError('AUTH_FAILED', `this token does not allow user type ${request.userType}`);
    }
    this.identity = { ...toIdentity(request), nickname: checkNickname({ nicknameMaxLength: this.nicknameMaxLength }, request.nickname) };
    this.scope = token.scope ?? {};
    this.logger.info({ token: token.name, userType: request.userType }, 'agent registered');
    this.socket.send(registeredEvent(this.identity, request.requestId));
  }

  private async join(identity: AgentIdentity, request: AgentJoinRequest): Promise<void> {
    if (request.sessionId !== undefined && this.sessions.has(request.sessionId)) {
      throw new ChatError('ALREADY_JOINED', `this connection has already joined session ${request.sessionId}`);
    }
    const joinRequest = toJoinRequest(identity, request);
    if (request.sessionId === undefined) checkTenant(this.scope, OUTBOUND_ENTRY.tenantDbid);
    const { party } =
      request.sessionId === undefined
        ? await this.engine.createSession({ creator: joinRequest })
        : await this.engine.join(request.sessionId, joinRequest, this.scope);
    const joined: JoinedSession = { party, detach: () => undefined };
    this.sessions.set(party.sessionId, joined);
    this.logger.info({ sessionId: party.sessionId, userId: party.userId, outbound: request.sessionId === undefined }, 'agent joined session');
    // Increments that come before the reply is out wait for it: the client gets the transcript first.
    const early: SessionView[] = [];
    let replied = false;
    const attachment = await this.engine.attach(party, 0, (view) => {
      if (replied) this.deliver(view);
      else early.push(view);
    });
    joined.detach = attachment.detach;
    replied = true;
    this.deliver(attachment.view, request.requestId);
    early.forEach((view) => this.deliver(view));
  }

  /** Sends a view; once the session closed or the party left it, the connection is done with that session. */
  private deliver(view: SessionView, requestId?: RequestId): void {
    this.socket.send(toSessionInfo(view, requestId));
    if (view.closed || view.left) this.forget(view.sessionId);
  }

  private party(sessionId: string): PartyCredentials {
    const joined = this.sessions.get(sessionId);
    if (!joined) throw new AgentApiError('UNKNOWN_SESSION_FOR_CONNECTION', `this connection is not in session ${sessionId}`);
    return joined.party;
  }

  private forget(sessionId: string): void {
    this.sessions.get(sessionId)?.detach();
    this.sessions.delete(sessionId);
  }

  private fail(request: AgentRequest, error: unknown): void {
    if (error instanceof AgentApiError || isChatError(error)) {
      this.socket.send(errorEvent(error.code, error.message, request.requestId));
      if (error.code === 'AUTH_FAILED') this.socket.close(AGENT_CLOSE_CODES.authFailed, 'authentication failed');
      if (error.code === 'TOO_MANY_AUTH_FAILURES') this.socket.close(AGENT_CLOSE_CODES.tooManyAuthFailures, 'too many failed registrations');
      return;
    }
    this.logger.warn({ request: request.type, error: errorForLog(error) }, 'agent request failed');
    this.socket.send(errorEvent('INTERNAL', 'internal error; the request may not have been carried out', request.requestId));
  }

  private async leaveAll(): Promise<void> {
    const joined = [...this.sessions.values()];
    this.sessions.clear();
    joined.forEach((session) => session.detach());
    const results = await Promise.allSettled(joined.map((session) => this.engine.disconnect(session.party)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        this.logger.warn({ sessionId: joined[i].party.sessionId, error: errorForLog(result.reason) }, 'removing a disconnected party failed');
      }
    });
  }
}

/** An exception as logs may show it: its name, code and stack frames, never its message (it may quote user input). */
export function errorForLog(error: unknown): object {
  if (!(error instanceof Error)) return { type: typeof error };
  return {
    name: error.name,
    ...('code' in error && typeof error.code === 'string' ? { code: error.code } : {}),
    frames: (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')),
  };
}
