import { ChatError } from '@ocs/chat-domain';
import type {
  AfterAction,
  ChatEvent,
  JoinRequest,
  JoinScope,
  KvList,
  LeaveOptions,
  LiveSession,
  MessageRequest,
  NoticeRequest,
  Visibility,
} from '@ocs/chat-domain';
import type {
  Actor,
  ChatEngineApi,
  CreateRequest,
  LiveAttachment,
  Outcome,
  PartyCredentials,
  SessionInfo,
  SessionView,
  ViewListener,
  WorkflowRequest,
} from '@ocs/chat-engine';
import type { FanOut, Membership, RpcClientMetrics } from '@ocs/ports';
import { NodeCalls } from './node-calls';
import type { RpcArgs, RpcMethod, RpcResult } from './protocol';
import { RemoteAttachments } from './remote-attachments';

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
  /** `[cluster] internal-secret`, presented on every call. */
  secret: string;
  /** How often the nodes of live attachments are checked against membership; default 500 ms. */
  pollIntervalMs?: number;
  /** Told of what no caller hears of: a failed re-attachment or detach, an unreadable fan-out message, a listener that threw. */
  onError?: (error: unknown) => void;
  /** Told of each call to a node (`ocs_engine_rpc_client_*`); none: nothing measured. */
  metrics?: RpcClientMetrics;
}

const DEFAULT_POLL_INTERVAL_MS = 500;

/**
 * The session engine as a gateway of a cluster sees it: each call goes to the node that owns the session (the
 * cached route, or any alive node, which restores it), following NOT_OWNER to the owner and moving on when a node
 * is lost. Live attachments come back over the gateway's fan-out channel and move with their session.
 */
export class RemoteEngine implements ChatEngineApi {
  private readonly calls: NodeCalls;
  private readonly attachments: RemoteAttachments;

  constructor(options: RemoteEngineOptions) {
    const report = options.onError ?? (() => undefined);
    this.calls = new NodeCalls({ ...options, report });
    this.attachments = new RemoteAttachments(this.calls, { ...options, pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, report });
    this.calls.onRouted = (sessionId, nodeId) => this.attachments.routed(sessionId, nodeId);
  }

  async createSession(request: CreateRequest): Promise<{ party: PartyCredentials; view: SessionView }> {
    const { value, nodeId } = await this.calls.call(undefined, 'createSession', [request]);
    await this.calls.routeTo(value.party.sessionId, nodeId);
    return value;
  }

  join(sessionId: string, request: JoinRequest, scope?: JoinScope): Promise<{ party: PartyCredentials; view: SessionView }> {
    return this.onSession(sessionId, 'join', [sessionId, request, scope]);
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

  changeVisibility(actor: Actor, visibility: Visibility, readFrom?: number): Promise<Outcome> {
    return this.onSession(actor.sessionId, 'changeVisibility', [actor, visibility, readFrom]);
  }

  leave(actor: Actor, afterAction: AfterAction, options?: LeaveOptions, readFrom?: number): Promise<Outcome> {
    return this.onSession(actor.sessionId, 'leave', [actor, afterAction, options, readFrom]);
  }

  disconnect(actor: Actor): Promise<void> {
    return this.onSession(actor.sessionId, 'disconnect', [actor]);
  }

  /**
   * With the session named: asks its owner (restoring it where the owner is gone, as any call about the session).
   * By the key alone: asks every alive node; the first that holds the key answers. Held by none (its node lost, the
   * session not restored yet), the session the key was recorded for is asked as above. A key recorded for no session
   * is no party; but while a node did not answer, STORAGE_UNAVAILABLE, as that node may hold it.
   */
  async findParty(secureKey: string, sessionId?: string): Promise<Actor | undefined> {
    if (sessionId !== undefined) return this.onSession(sessionId, 'findParty', [secureKey, sessionId]);
    let unanswered: unknown;
    const held = await this.calls
      .findOnAnyNode(
        (node) => this.calls.post(node, 'findParty', [secureKey]),
        (actor) => actor.sessionId,
        true,
      )
      .catch((error: unknown) => {
        if (!(error instanceof ChatError && error.code === 'STORAGE_UNAVAILABLE')) throw error;
        unanswered = error;
        return undefined;
      });
    if (held) return held;
    const { value: recorded } = await this.calls.call(undefined, 'sessionOfKey', [secureKey]);
    if (recorded !== undefined) return this.findParty(secureKey, recorded);
    if (unanswered) throw unanswered;
    return undefined;
  }

  bindInteraction(sessionId: string, interactionId: string): Promise<void> {
    return this.onSession(sessionId, 'bindInteraction', [sessionId, interactionId]);
  }

  /** Asks every alive node; the first that knows the interaction answers. */
  findByInteraction(interactionId: string): Promise<string | undefined> {
    return this.calls.findOnAnyNode(
      (node) => this.calls.post(node, 'findByInteraction', [interactionId]),
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

  sessionInfo(sessionId: string, workflow?: WorkflowRequest): Promise<SessionInfo> {
    return this.onSession(sessionId, 'sessionInfo', workflow ? [sessionId, workflow] : [sessionId]);
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

  /** Every alive node's list, gathered; a node that does not answer leaves its sessions out (it is lost or restarting). */
  async liveSessions(scope: JoinScope): Promise<LiveSession[]> {
    const lists = await this.calls.onEveryNode((node) => this.calls.post(node, 'liveSessions', [scope]));
    const bySession = new Map<string, LiveSession>();
    for (const session of lists.flat()) bySession.set(session.sessionId, session);
    return [...bySession.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * Attaches on the session's node; its views come over this gateway's channel. The listener gets each event once,
   * in order, also when the session moves to another node.
   */
  attach(actor: Actor, fromPosition: number, listener: ViewListener): Promise<LiveAttachment> {
    return this.attachments.attach(actor, fromPosition, listener);
  }

  /** Stops watching membership, detaches every live attachment and leaves the gateway's channel. */
  close(): Promise<void> {
    return this.attachments.close();
  }

  private onSession<M extends RpcMethod>(sessionId: string, method: M, args: RpcArgs<M>): Promise<RpcResult<M>> {
    return this.calls.call(sessionId, method, args).then(({ value }) => value);
  }
}
