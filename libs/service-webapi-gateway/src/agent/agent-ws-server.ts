import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { DEFAULT_RULES } from '@ocs/chat-domain';
import type { ChatEngineApi } from '@ocs/chat-engine';
import { AGENT_CLOSE_CODES, errorEvent, type ServerEvent } from '@ocs/agent-protocol';
import type { AuthBackoff } from '../auth-backoff';
import { AgentConnection, errorForLog, type AgentLogger, type AgentRequestObserver, type RegisterGuard } from './agent-connection';
import type { AgentRoutingPorts } from './agent-routing';
import { AgentTokens, type AgentToken } from './agent-tokens';

export interface AgentWsOptions {
  /** URL path of the endpoint on the web API port, e.g. `/agent/ws`. */
  path: string;
  /** A connection that has not registered by then is closed (4408). */
  registerTimeoutMs: number;
  /** Largest frame accepted; a bigger one closes the connection (1009). */
  maxPayloadBytes: number;
  /** Longest nickname a client may register with (`nickname-max-length`); the session rules' default if absent. */
  nicknameMaxLength?: number;
  tokens: readonly AgentToken[];
  /** Ping interval; a connection that has not answered the previous ping is dropped. 0 disables. */
  heartbeatMs: number;
  /** Failed registrations per remote address (shared with the customer API); none: no backoff. */
  authBackoff?: AuthBackoff;
  /** Told of each request handled: its type, whether it succeeded, how long it took; none: nothing measured. */
  onRequest?: AgentRequestObserver;
  /** The built-in routing (presence, offers, picks over the socket); absent: routing requests are refused. */
  routing?: AgentRoutingPorts;
}

const CLOSE_GOING_AWAY = 1001;

const silentLogger: AgentLogger = { info: () => undefined, warn: () => undefined };

/**
 * The agent, bot and supervisor API: a persistent WebSocket carrying the basic chat protocol as JSON (see
 * docs/api/agent-websocket.md). This class only ties sockets to `AgentConnection`s; the HTTP server's upgrade
 * dispatcher hands it the upgrades for its path.
 */
export class AgentWsServer {
  private readonly wss: WebSocketServer;
  private readonly tokens: AgentTokens;
  /** One per open connection: settles once the socket closed and its parties left their sessions. */
  private readonly finishing = new Set<Promise<void>>();
  private connectionCount = 0;
  /** Connections that answered the last ping. */
  private readonly answered = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: ChatEngineApi,
    private readonly options: AgentWsOptions,
    private readonly logger: AgentLogger = silentLogger,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
    this.tokens = new AgentTokens(options.tokens);
    if (options.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  /** Agent WebSocket connections open now. */
  get openConnections(): number {
    return this.wss.clients.size;
  }

  handlesPath(pathname: string): boolean {
    return pathname === this.options.path;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  /** Refuses new connections, closes the open ones (1001) and resolves once their parties have left. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.wss.close();
    for (const ws of this.wss.clients) ws.close(CLOSE_GOING_AWAY, 'server shutting down');
    await Promise.all(this.finishing);
  }

  /** A peer that vanished without closing (cable pulled, laptop asleep) is found by its missing pong. */
  private beat(): void {
    for (const ws of this.wss.clients) {
      if (!this.answered.has(ws)) {
        ws.terminate();
        continue;
      }
      this.answered.delete(ws);
      ws.ping();
    }
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    this.connectionCount += 1;
    this.answered.add(ws);
    ws.on('pong', () => this.answered.add(ws));
    const context = { connection: this.connectionCount };
    const logger: AgentLogger = {
      info: (o, m) => this.logger.info({ ...context, ...o }, m),
      warn: (o, m) => this.logger.warn({ ...context, ...o }, m),
    };
    const send = (event: ServerEvent): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(event));
    };
    const address = req.socket.remoteAddress ?? '';
    const backoff = this.options.authBackoff;
    const guard: RegisterGuard | undefined = backoff && { waitMs: () => backoff.waitMs(address), failed: () => backoff.failed(address) };
    const connection = new AgentConnection(
      this.engine,
      this.tokens,
      { send, close: (code, reason) => ws.close(code, reason) },
      logger,
      this.options.nicknameMaxLength ?? DEFAULT_RULES.nicknameMaxLength,
      guard,
      { onRequest: this.options.onRequest, routing: this.options.routing },
    );
    logger.info({ remoteAddress: address }, 'agent connection opened');

    const registerTimer = setTimeout(() => {
      if (!connection.registered) ws.close(AGENT_CLOSE_CODES.registerTimeout, 'register timeout');
    }, this.options.registerTimeoutMs);

    // With the default binary type every frame arrives as one Buffer.
    ws.on('message', (data, isBinary) => {
      if (isBinary) send(errorEvent('BAD_REQUEST', 'binary frames are not supported; send each request as a JSON text frame'));
      else connection.receive(data.toString());
    });
    // Protocol violations (an oversize frame, invalid UTF-8) arrive here; ws then closes the socket itself.
    ws.on('error', (error) => logger.warn({ error: errorForLog(error) }, 'agent socket error'));
    const finished = new Promise<void>((resolve) => {
      ws.once('close', (code) => {
        clearTimeout(registerTimer);
        logger.info({ code, sessions: connection.sessionCount }, 'agent connection closed');
        void connection.drop().then(resolve);
      });
    });
    this.finishing.add(finished);
    void finished.then(() => this.finishing.delete(finished));
  }
}
