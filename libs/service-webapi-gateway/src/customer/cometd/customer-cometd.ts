import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Actor, LiveAttachment, SessionView } from '@ocs/chat-engine';
import {
  CHAT_OPERATIONS,
  CustomerChat,
  GmsApiError,
  isChatOperation,
  optionalString,
  pagesOf,
  secureKeyActor,
  toGmsResponse,
  transcriptPosition,
  type Fields,
  type GmsResponse,
} from '@ocs/gms-chat-v2';
import { appMetrics, LOGGER, METRICS_REGISTRY, statusLabel, type AppMetrics, type Logger, type MetricsRegistry } from '@ocs/observability';
import type { Server } from 'node:http';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../../gateway-options';
import { CorsPolicy } from '../cors-policy';
import { CustomerReplies } from '../customer-replies';
import type { BayeuxServer } from './bayeux-server';
import { createBayeuxServer } from './faye-bayeux-server';

/** CometD operation names that differ from the REST path names. */
const COMETD_ALIASES: Readonly<Record<string, string>> = { sendMessage: 'send' };

/** The operation labels of the request metrics: the operations CometD clients send, anything else `unknown`. */
const OPERATION_LABELS: ReadonlySet<string> = new Set(['requestChat', 'requestNotifications', ...Object.keys(COMETD_ALIASES), ...CHAT_OPERATIONS]);

/**
 * GMS Chat API Version 2 with CometD: customers publish `{operation, …}` on `/service/chatV2/{serviceName}`
 * and receive the replies, then every later transcript increment, on the same channel. Each Bayeux client
 * holds a live attachment per chat it acts on: while it does, the customer is timed by `flex-push-timeout` and the
 * attachment confirms it alive each time that expires (this gateway is GMS: the Bayeux client it holds is the
 * confirmation). When faye finds the Bayeux client gone, the attachment is dropped (GMS's "unsubscribe") and
 * `flex-disconnect-timeout` starts, or `flex-push-timeout` again for a customer subscribed to push notifications.
 */
@Injectable()
export class CustomerCometd implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly bayeux: BayeuxServer;
  /** Bayeux client id → (secure key → live attachment). */
  private readonly live = new Map<string, Map<string, LiveAttachment>>();
  private readonly metrics: AppMetrics;

  constructor(
    private readonly chat: CustomerChat,
    private readonly replies: CustomerReplies,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS_REGISTRY) registry: MetricsRegistry,
  ) {
    this.metrics = appMetrics(registry);
    const { cometd, services } = options;
    const cors = new CorsPolicy(options.corsOrigins);
    this.bayeux = createBayeuxServer({
      mount: cometd.path,
      timeoutSeconds: cometd.timeoutSeconds,
      maxRequestBytes: options.maxRequestBytes,
      maxBatch: cometd.maxBatch,
      handshakeLimit: cometd.handshakeLimit,
      handshakeIntervalSeconds: cometd.handshakeIntervalSeconds,
      jsonp: cometd.jsonp,
      isServiceAllowed: (name) => Object.hasOwn(services, name),
      logger: { warn: (obj, msg) => logger.warn(obj, msg) },
      beforeRequest: cors.middleware(),
    });
  }

  /** Bayeux clients connected now. */
  get clientCount(): number {
    return this.bayeux.clientCount;
  }

  get mount(): string {
    return this.bayeux.mount;
  }

  onApplicationBootstrap(): void {
    this.bayeux.attach(this.adapterHost.httpAdapter.getHttpServer() as Server);
    this.bayeux.onPublish((clientId, serviceName, data, address) => this.handle(clientId, serviceName, data, address));
    this.bayeux.onClientGone((clientId) => this.release(clientId));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const clientId of [...this.live.keys()]) this.release(clientId);
    await this.bayeux.close();
  }

  private async handle(clientId: string, serviceName: string, data: unknown, address: string): Promise<void> {
    const fields: Fields = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Fields) : {};
    let afterReply: (() => Promise<unknown>) | undefined;
    /** Further pages of a long transcript the reply starts: sent right behind it, before any later push. */
    let morePages: GmsResponse[] = [];
    const operation = optionalString(fields, 'operation');
    const requestChat = operation === 'requestChat';
    const start = performance.now();
    const outcome = await this.replies.attempt(
      async () => {
        if (!requestChat) {
          const [reply, ...more] = await this.operate(clientId, serviceName, fields);
          morePages = more;
          return reply;
        }
        const { party, response } = await this.chat.requestChat(serviceName, fields);
        const actor = { sessionId: party.sessionId, userId: party.userId, secureKey: party.secureKey };
        afterReply = () => this.listen(clientId, serviceName, actor, response.nextPosition ?? 1);
        return response;
      },
      requestChat ? undefined : address,
    );
    const label = operation !== undefined && OPERATION_LABELS.has(operation) ? operation : 'unknown';
    this.metrics.request('cometd', label, statusLabel(outcome.httpStatus), (performance.now() - start) / 1000);
    const replied = this.bayeux.deliver(clientId, serviceName, outcome.body);
    for (const page of morePages) void this.bayeux.deliver(clientId, serviceName, page);
    await replied;
    // Attached after the reply went out, so anything that happened since is pushed after it.
    await afterReply?.();
  }

  /** The reply to one operation: one response, or, for a long transcript, its pages (`replyLimits`) in order. */
  private async operate(clientId: string, serviceName: string, fields: Fields): Promise<[GmsResponse, ...GmsResponse[]]> {
    const operation = optionalString(fields, 'operation') ?? '';
    const actor = await secureKeyActor(fields, (key) => this.options.engine.findParty(key));
    if (operation === 'requestNotifications') {
      this.detach(clientId, actor.secureKey);
      const from = Math.max(1, transcriptPosition(fields) ?? 1);
      const view = await this.listen(clientId, serviceName, actor, from, true);
      const [first, ...more] = pagesOf(view, this.options.replyLimits).map((page) =>
        toGmsResponse(page, { secureKey: actor.secureKey, alias: this.chat.alias }),
      );
      return [first, ...more];
    }
    const name = COMETD_ALIASES[operation] ?? operation;
    if (!isChatOperation(name)) throw new GmsApiError(400, 400, `unknown operation "${operation.slice(0, 40)}"`);
    if (!this.live.get(clientId)?.has(actor.secureKey)) await this.listen(clientId, serviceName, actor, Number.MAX_SAFE_INTEGER, true);
    // Transcript increments reach this client through its live attachment, so replies carry none.
    const { transcriptPosition: _ignored, ...rest } = fields;
    return [await this.chat.operate(name, actor, name === 'refresh' ? fields : rest)];
  }

  /**
   * Attaches `actor` for this Bayeux client from 1-based `from`; returns the view at that moment. Unless the
   * caller answers with that view itself (`asReply`), it is pushed when it has anything new.
   */
  private async listen(clientId: string, serviceName: string, actor: Actor, from: number, asReply = false): Promise<SessionView> {
    const push = (view: SessionView) =>
      void this.bayeux.deliver(clientId, serviceName, toGmsResponse(view, { secureKey: actor.secureKey, alias: this.chat.alias }));
    const attachment = await this.options.engine.attach(actor, from - 1, push);
    if (!this.bayeux.isConnected(clientId)) {
      attachment.detach();
      return attachment.view;
    }
    const byKey = this.live.get(clientId) ?? new Map<string, LiveAttachment>();
    this.live.set(clientId, byKey);
    byKey.get(actor.secureKey)?.detach();
    byKey.set(actor.secureKey, attachment);
    if (!asReply && attachment.view.events.length > 0) push(attachment.view);
    return attachment.view;
  }

  private detach(clientId: string, secureKey: string): void {
    const byKey = this.live.get(clientId);
    byKey?.get(secureKey)?.detach();
    byKey?.delete(secureKey);
  }

  private release(clientId: string): void {
    for (const attachment of this.live.get(clientId)?.values() ?? []) attachment.detach();
    this.live.delete(clientId);
  }
}
