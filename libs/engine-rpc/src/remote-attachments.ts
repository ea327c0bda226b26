import { randomUUID } from 'node:crypto';
import { ChatError } from '@ocs/chat-domain';
import type { Actor, LiveAttachment, SessionView, ViewListener } from '@ocs/chat-engine';
import type { FanOut, Membership } from '@ocs/ports';
import type { NodeCalls } from './node-calls';
import { gatewayChannel, type AttachmentMessage } from './protocol';

export interface RemoteAttachmentsOptions {
  /** This gateway: names its fan-out channel, where the nodes publish the views of its live attachments. */
  gatewayId: string;
  membership: Membership;
  fanOut: FanOut;
  /** How often the nodes of live attachments are checked against membership. */
  pollIntervalMs: number;
  /** Told of what no caller hears of: a failed re-attachment or detach, an unreadable message, a listener that threw. */
  report: (error: unknown) => void;
}

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
 * The live attachments a gateway holds on session-engine nodes: the nodes publish each attachment's views on this
 * gateway's fan-out channel. A listener gets each event once, in order, also when its session moves to another
 * node (a call found it there, or its node left the cluster): it is re-attached there from the position after the
 * last event it got.
 */
export class RemoteAttachments {
  private readonly byId = new Map<string, Attachment>();
  private readonly bySession = new Map<string, Set<Attachment>>();
  private subscription: Promise<() => Promise<void>> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly calls: NodeCalls,
    private readonly options: RemoteAttachmentsOptions,
  ) {}

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

  /** The session is on `nodeId` now: its attachments held elsewhere move there. */
  routed(sessionId: string, nodeId: string): void {
    for (const attachment of this.bySession.get(sessionId) ?? []) {
      if (attachment.nodeId !== nodeId) void this.move(attachment);
    }
  }

  /** Stops watching membership, detaches every live attachment and leaves the gateway's channel. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.bySession.values()].flatMap((attachments) => [...attachments].map((attachment) => this.detach(attachment))));
    const unsubscribe = await this.subscription?.catch(() => undefined);
    this.subscription = undefined;
    await unsubscribe?.();
  }

  private subscribe(): Promise<() => Promise<void>> {
    if (!this.subscription) {
      this.subscription = this.options.fanOut.subscribe(gatewayChannel(this.options.gatewayId), (message) => this.receive(message));
      this.subscription.catch(() => (this.subscription = undefined));
    }
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.options.pollIntervalMs);
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
      this.options.report(error);
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
      this.options.report(error);
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
      const { value, nodeId } = await this.calls.call(attachment.actor.sessionId, 'attach', [attachment.actor, fromPosition, listener]);
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
      this.options.report(error);
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
      this.options.report(error);
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
      await this.calls.postIfAlive(nodeId, 'detach', [attachmentId]);
    } catch (error) {
      this.options.report(error);
    }
  }
}

function lastPosition(view: SessionView): number {
  return view.events[view.events.length - 1].event.position;
}

function stateOf(view: SessionView): string {
  return `${view.closed}/${view.left}/${view.monitored}`;
}
