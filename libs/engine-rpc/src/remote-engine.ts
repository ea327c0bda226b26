import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  ChatError,
  type AfterAction,
  type ChatEvent,
  type JoinRequest,
  type KvList,
  type LeaveOptions,
  type MessageRequest,
  type NoticeRequest,
} from '@ocs/chat-domain';
import type { Actor, ChatEngineApi, CreateRequest, LiveAttachment, Outcome, PartyCredentials, SessionInfo, SessionView, ViewListener } from '@ocs/chat-engine';
import { fromWireError, NotOwnerError } from '@ocs/contracts';
import type { FanOut, Membership, NodeInfo } from '@ocs/ports';
import { gatewayChannel, rpcResponseSchema, type AttachmentMessage, type RpcArgs, type RpcMethod, type RpcResult } from './protocol';

export interface RemoteEngineOptions {
  /** This gateway: names its fan-out channel, where the nodes publish the views of its live attachments. */
  gatewayId: string;
  /** Alive nodes (`url` is the node's RPC endpoint) and the session → node routing cache. */
  membership: Membership;
  fanOut: FanOut;
  /** The global fetch unless given. */
  fetch?: typeof fetch;
  /** How long a session's node stays cached after a call it served. */
  routeTtlMs: number;
  /** A node that has not answered by then counts as lost for the call. */
  requestTimeoutMs: number;
  /** How often the nodes of live attachments are checked against membership; default 500 ms. */
  pollIntervalMs?: number;
  /** Told of what no caller hears of: a failed re-attachment or detach, an unreadable fan-out message, a listener that threw. */
  onError?: (error: unknown) => void;
}

/** Nodes a call tries (a NOT_OWNER redirect and the retries after lost nodes count) before giving up. */
const ATTEMPTS = 3;
const DEFAULT_POLL_INTERVAL_MS = 500;

/** A node that did not answer (connection refused, timeout, not the RPC answering): the call may go elsewhere. */
class Unreachable extends Error {}

/** A listener attached through this gateway, and where it is attached now. */
interface Attachment {
  readonly actor: Actor;
  readonly listener: ViewListener;
  /** The position after the last event the listener got: where a re-attachment starts. */
  next: number;
  /** Session state as the listener last saw it; a view that neither changes it nor brings events is not passed on. */
  state: string;
  /** The node's attachment, and the node. */
  attachmentId: string;
  nodeId: string;
  /** Views that arrived before the node's answer to attach: passed on after it. */
  early: SessionView[] | undefined;
  moving: boolean;
  detached: boolean;
}

/**
 * The session engine as a gateway of a cluster sees it: each call goes to the node that owns the session (the
 * cached route, or any alive node, which restores it), following NOT_OWNER to the owner and moving on when a node
 * is lost. Live attachments come back over the gateway's fan-out channel and move with their session.
 */
export class RemoteEngine implements ChatEngineApi {
  private readonly fetch: typeof fetch;
  private readonly report: (error: unknown) => void;
  private readonly byId = new Map<string, Attachment>();
  private readonly bySession = new Map<string, Set<Attachment>>();
  private subscription: Promise<() => Promise<void>> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly options: RemoteEngineOptions) {
    this.fetch = options.fetch ?? fetch;
    this.report = options.onError ?? (() => undefined);
  }

  async createSession(request: CreateRequest): Promise<{ party: PartyCredentials; view: SessionView }> {
    const { value, nodeId } = await this.call(undefined, 'createSession', [request]);
    await this.remember(value.party.sessionId, nodeId);
    return value;
  }

  join(sessionId: string, request: JoinRequest): Promise<{ party: PartyCredentials; view: SessionView }> {
    return this.onSession(sessionId, 'join', [sessionId, request]);
  }

  read(actor: Actor, fromPosition: number): Promise<SessionView> {
    return this.onSession(actor.sessionId, 'read', [actor, fromPosition]);
  }

  message(actor: Actor, request: MessageRequest, readFrom?: number): Promise<Outcome> {
    return this.onSession(actor.sessionId, 'message', [actor, request, readFrom]);
  }

  notice(actor: Actor, request: NoticeRequest, readFrom?: number): Promise<Outcome> {
    return this.onSession(actor.sessionId, 'notice', [actor, request, readFrom]);
  }

  updateUserData(actor: Actor, userData: KvList, readFrom?: number): Promise<SessionView> {
    return this.onSession(actor.sessionId, 'updateUserData', [actor, userData, readFrom]);
  }

  leave(actor: Actor, afterAction: AfterAction, options?: LeaveOptions, readFrom?: number): Promise<Outcome> {
    return this.onSession(actor.sessionId, 'leave', [actor, afterAction, options, readFrom]);
  }

  disconnect(actor: Actor): Promise<void> {
    return this.onSession(actor.sessionId, 'disconnect', [actor]);
  }

  /** Asks every alive node; the first that holds the key answers. */
  findParty(secureKey: string): Promise<Actor | undefined> {
    return this.findOnAnyNode(
      (node) => this.post(node, 'findParty', [secureKey]),
      (actor) => actor.sessionId,
    );
  }

  bindInteraction(sessionId: string, interactionId: string): Promise<void> {
    return this.onSession(sessionId, 'bindInteraction', [sessionId, interactionId]);
  }

  /** Asks every alive node; the first that knows the interaction answers. */
  findByInteraction(interactionId: string): Promise<string | undefined> {
    return this.findOnAnyNode(
      (node) => this.post(node, 'findByInteraction', [interactionId]),
      (sessionId) => sessionId,
    );
  }

  externalMessage(sessionId: string, nickname: string, request: MessageRequest): Promise<ChatEvent> {
    return this.onSession(sessionId, 'externalMessage', [sessionId, nickname, request]);
  }

  externalNotice(sessionId: string, nickname: string, request: NoticeRequest): Promise<ChatEvent> {
    return this.onSession(sessionId, 'externalNotice', [sessionId, nickname, request]);
  }

  placeOnHold(sessionId: string): Promise<void> {
    return this.onSession(sessionId, 'placeOnHold', [sessionId]);
  }

  closeSession(sessionId: string, options?: { closeIfNoAgents?: boolean; purge?: boolean }): Promise<{ closed: boolean }> {
    return this.onSession(sessionId, 'closeSession', [sessionId, options]);
  }

  sessionInfo(sessionId: string): Promise<SessionInfo> {
    return this.onSession(sessionId, 'sessionInfo', [sessionId]);
  }

  configureIdleControl(sessionId: string, parameters: Record<string, string>): Promise<void> {
    return this.onSession(sessionId, 'configureIdleControl', [sessionId, parameters]);
  }

  configureSession(sessionId: string, options: { asyncIdleReset?: boolean; languageCode?: string; languageName?: string }): Promise<void> {
    return this.onSession(sessionId, 'configureSession', [sessionId, options]);
  }

  fileLimits(actor: Actor, readFrom?: number): Promise<{ limits: Record<string, string>; view: SessionView }> {
    return this.onSession(actor.sessionId, 'fileLimits', [actor, readFrom]);
  }

  checkUpload(actor: Actor, file: { name: string; size: number }): Promise<{ interactionId?: string }> {
    return this.onSession(actor.sessionId, 'checkUpload', [actor, file]);
  }

  download(actor: Actor, fileId: string): Promise<{ documentId: string; name: string }> {
    return this.onSession(actor.sessionId, 'download', [actor, fileId]);
  }

  /**
   * Attaches on the session's node; its views come over this gateway's channel. The listener gets each event once,
   * in order, also when the session moves to another node: it is re-attached there from the position after the
   * last event it got.
   */
  async attach(actor: Actor, fromPosition: number, listener: ViewListener): Promise<LiveAttachment> {
    await this.subscribe();
    const attachment: Attachment = {
      actor,
      listener,
      next: fromPosition,
      state: '',
      attachmentId: '',
      nodeId: '',
      early: undefined,
      moving: false,
      detached: false,
    };
    const view = await this.open(attachment, fromPosition);
    attachment.next = view.events.length > 0 ? lastPosition(view) + 1 : Math.min(fromPosition, view.nextPosition);
    attachment.state = stateOf(view);
    const ofSession = this.bySession.get(actor.sessionId) ?? new Set<Attachment>();
    this.bySession.set(actor.sessionId, ofSession.add(attachment));
    // Views that came before this answer reach the listener after the caller got it (unless a move took over).
    const { attachmentId } = attachment;
    setImmediate(() => {
      if (attachment.attachmentId === attachmentId) this.flush(attachment);
    });
    return { view, detach: () => void this.detach(attachment) };
  }

  /** Stops watching membership, detaches every live attachment and leaves the gateway's channel. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.bySession.values()].flatMap((attachments) => [...attachments].map((attachment) => this.detach(attachment))));
    const unsubscribe = await this.subscription?.catch(() => undefined);
    this.subscription = undefined;
    await unsubscribe?.();
  }

  private onSession<M extends RpcMethod>(sessionId: string, method: M, args: RpcArgs<M>): Promise<RpcResult<M>> {
    return this.call(sessionId, method, args).then(({ value }) => value);
  }

  /**
   * Runs a call on the session's node: the cached route if that node is alive, else the least loaded alive node
   * that is neither draining nor over a load limit (it restores the session); without a session, that node.
   */
  private async call<M extends RpcMethod>(sessionId: string | undefined, method: M, args: RpcArgs<M>): Promise<{ value: RpcResult<M>; nodeId: string }> {
    const lost = new Set<string>();
    let owner: string | undefined;
    let redirected = false;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const alive = (await this.options.membership.alive()).filter((node) => !lost.has(node.nodeId));
      const wanted = owner ?? (sessionId === undefined ? undefined : await this.options.membership.route(sessionId));
      const node = alive.find((n) => n.nodeId === wanted) ?? leastLoaded(alive);
      if (!node) break;
      try {
        const value = await this.post(node, method, args);
        if (sessionId !== undefined) await this.remember(sessionId, node.nodeId);
        return { value, nodeId: node.nodeId };
      } catch (error) {
        if (error instanceof NotOwnerError && error.owner !== undefined && !redirected) {
          owner = error.owner;
          redirected = true;
          continue;
        }
        // A node over its load limit (before its heartbeat said so) takes no new or restored session: try another.
        const full = error instanceof ChatError && error.code === 'LIMIT_REACHED';
        if (!(error instanceof Unreachable) && !full) throw error;
        lost.add(node.nodeId);
        owner = undefined;
        if (sessionId !== undefined) await this.options.membership.dropRoute(sessionId).catch(this.report);
      }
    }
    throw unavailable();
  }

  /** One call to one node: its result, or its refusal as the ChatError the engine threw. */
  private async post<M extends RpcMethod>(node: NodeInfo, method: M, args: RpcArgs<M>): Promise<RpcResult<M>> {
    let body: z.infer<typeof rpcResponseSchema>;
    try {
      const response = await this.fetch(node.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method, args: withoutTrailingUndefined(args) }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      body = rpcResponseSchema.parse(await response.json());
    } catch (error) {
      throw new Unreachable(`session engine ${node.nodeId} did not answer ${method}`, { cause: error });
    }
    if (!('error' in body)) return body.result as RpcResult<M>;
    throw fromWireError(body.error) ?? new Error(`session engine ${node.nodeId} failed ${method}: ${body.error.message}`);
  }

  /** Asks every alive node at once; the first hit wins and routes its session. */
  private async findOnAnyNode<T>(ask: (node: NodeInfo) => Promise<T | undefined>, sessionOf: (found: T) => string): Promise<T | undefined> {
    const nodes = await this.options.membership.alive();
    const asked = nodes.map(async (node) => {
      const found = await ask(node);
      if (found === undefined) throw new Error(`not held by ${node.nodeId}`);
      return { found, nodeId: node.nodeId };
    });
    const hit = await Promise.any(asked).catch((error: AggregateError) => {
      if (error.errors.every((e) => e instanceof Unreachable)) throw unavailable();
      return undefined;
    });
    if (hit) await this.remember(sessionOf(hit.found), hit.nodeId);
    return hit?.found;
  }

  /** Caches the session's node; attachments of the session held elsewhere move to it. */
  private async remember(sessionId: string, nodeId: string): Promise<void> {
    await this.options.membership.setRoute(sessionId, nodeId, this.options.routeTtlMs).catch(this.report);
    for (const attachment of this.bySession.get(sessionId) ?? []) {
      if (attachment.nodeId !== nodeId) void this.move(attachment);
    }
  }

  private subscribe(): Promise<() => Promise<void>> {
    if (!this.subscription) {
      this.subscription = this.options.fanOut.subscribe(gatewayChannel(this.options.gatewayId), (message) => this.receive(message));
      this.subscription.catch(() => (this.subscription = undefined));
    }
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
      this.timer.unref();
    }
    return this.subscription;
  }

  private receive(message: string): void {
    try {
      const { attachmentId, view } = JSON.parse(message) as AttachmentMessage;
      const attachment = this.byId.get(attachmentId);
      if (attachment?.early) attachment.early.push(view);
      else if (attachment) this.deliver(attachment, view);
    } catch (error) {
      this.report(error);
    }
  }

  /** Moves the attachments whose node left the cluster. */
  private async poll(): Promise<void> {
    if (this.polling || this.bySession.size === 0) return;
    this.polling = true;
    try {
      const alive = new Set((await this.options.membership.alive()).map((node) => node.nodeId));
      for (const attachments of this.bySession.values()) {
        for (const attachment of attachments) if (!alive.has(attachment.nodeId)) void this.move(attachment);
      }
    } catch (error) {
      this.report(error);
    } finally {
      this.polling = false;
    }
  }

  /** Attaches on the session's node under a fresh id; views for that id wait in `early` until the caller releases them. */
  private async open(attachment: Attachment, fromPosition: number): Promise<SessionView> {
    const attachmentId = randomUUID();
    attachment.attachmentId = attachmentId;
    attachment.early = [];
    this.byId.set(attachmentId, attachment);
    try {
      const listener = { gatewayId: this.options.gatewayId, attachmentId };
      const { value, nodeId } = await this.call(attachment.actor.sessionId, 'attach', [attachment.actor, fromPosition, listener]);
      attachment.nodeId = nodeId;
      return value;
    } catch (error) {
      this.byId.delete(attachmentId);
      attachment.early = undefined;
      throw error;
    }
  }

  /**
   * Re-attaches on the session's node now from the position after the last event the listener got: what the
   * old node published from then on is ignored, what the new one has from then on comes once. On failure it is
   * tried again at the next poll (or call), unless the engine refused it for good.
   */
  private async move(attachment: Attachment): Promise<void> {
    if (attachment.moving || attachment.detached) return;
    attachment.moving = true;
    const previous = { attachmentId: attachment.attachmentId, nodeId: attachment.nodeId };
    this.byId.delete(previous.attachmentId);
    void this.release(previous);
    try {
      const view = await this.open(attachment, attachment.next);
      if (attachment.detached) {
        await this.release(attachment);
      } else {
        this.deliver(attachment, view);
        this.flush(attachment);
      }
    } catch (error) {
      this.report(error);
      if (error instanceof ChatError && error.code !== 'STORAGE_UNAVAILABLE' && error.code !== 'NOT_OWNER') this.forget(attachment);
    } finally {
      attachment.moving = false;
    }
  }

  private flush(attachment: Attachment): void {
    const early = attachment.early ?? [];
    attachment.early = undefined;
    for (const view of early) this.deliver(attachment, view);
  }

  /** Passes on the events the listener has not had yet, or a change of the session's state. */
  private deliver(attachment: Attachment, view: SessionView): void {
    const events = view.events.filter((e) => e.event.position >= attachment.next);
    const state = stateOf(view);
    if (attachment.detached || (events.length === 0 && state === attachment.state && !view.transcriptNotice)) return;
    if (events.length > 0) attachment.next = events[events.length - 1].event.position + 1;
    attachment.state = state;
    try {
      attachment.listener({ ...view, events });
    } catch (error) {
      this.report(error);
    }
  }

  private async detach(attachment: Attachment): Promise<void> {
    if (attachment.detached) return;
    this.forget(attachment);
    // A move under way releases the attachment it makes.
    if (!attachment.moving) await this.release(attachment);
  }

  private forget(attachment: Attachment): void {
    attachment.detached = true;
    this.byId.delete(attachment.attachmentId);
    const ofSession = this.bySession.get(attachment.actor.sessionId);
    ofSession?.delete(attachment);
    if (ofSession?.size === 0) this.bySession.delete(attachment.actor.sessionId);
  }

  /** Ends an attachment on its node, if that node is still alive. */
  private async release({ attachmentId, nodeId }: { attachmentId: string; nodeId: string }): Promise<void> {
    try {
      const node = (await this.options.membership.alive()).find((n) => n.nodeId === nodeId);
      if (node) await this.post(node, 'detach', [attachmentId]);
    } catch (error) {
      this.report(error);
    }
  }
}

function leastLoaded(nodes: NodeInfo[]): NodeInfo | undefined {
  return nodes
    .filter((node) => !node.draining && !node.limited)
    .reduce<NodeInfo | undefined>((best, node) => (best && best.sessions <= node.sessions ? best : node), undefined);
}

function unavailable(): ChatError {
  return new ChatError('STORAGE_UNAVAILABLE', 'no session engine available; try again');
}

function lastPosition(view: SessionView): number {
  return view.events[view.events.length - 1].event.position;
}

function stateOf(view: SessionView): string {
  return `${view.closed}/${view.left}/${view.monitored}`;
}

/** JSON would turn an omitted optional argument into null. */
function withoutTrailingUndefined(args: readonly unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}
