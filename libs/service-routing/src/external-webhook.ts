import type { Clock } from '@ocs/chat-domain';
import { routingDecisionChannel, TOPICS, webhookSignature, type RoutingCommandRecord, type RoutingDecisionOutcome } from '@ocs/contracts';
import type { EventBus, FanOut, InteractionServer } from '@ocs/ports';
import type { RoutingEvent } from '@ocs/routing';
import { awaitAnswer } from './await-answer';

export const EXTERNAL_REQUEST_HEADER = 'x-routing-request-id';
export const EXTERNAL_SIGNATURE_HEADER = 'x-routing-signature';

/** Interaction properties never sent to a decider (the session password is for the agent who takes the chat). */
const WITHHELD = new Set(['ChatServerSessionPassword']);
/** The longest reply read from a decider. */
const MAX_REPLY_BYTES = 64 * 1024;

export type ExternalAsk = Extract<RoutingEvent, { type: 'ask-external' }>;

export interface ExternalWebhookOptions {
  /** Queue name → the URL its requests are posted to (`[queue:<name>] external-url`). */
  urls: Readonly<Record<string, string>>;
  /** A decider that has not answered within this long is given up (the request is asked again later). */
  timeoutMs: number;
  /** Signs every request (`X-Routing-Signature`) with HMAC-SHA256 under this secret. */
  signingSecret?: string;
}

export interface ExternalWebhookDeps {
  bus: EventBus;
  fanOut: FanOut;
  interactions: InteractionServer;
  clock: Clock;
  options: ExternalWebhookOptions;
  /** A decider that failed or answered what routing could not use: named, with what happens next. Never the reply's content. */
  onProblem: (tenant: number, message: string) => void;
}

/**
 * The decider of an `external` queue reached over HTTP: each request of the routing core is posted (JSON, signed)
 * to the queue's URL with the interaction and the agents that could take it now. A reply that names an agent or a
 * queue becomes an `external-decision` command, applied like every other command (once, on the revision read); a
 * reply that decides nothing now (202, 204, `{}` or `{"agentId": null}`) leaves the decider to answer later through
 * the decision endpoint. A failure (no answer in time, a bad status or body) is logged, naming the queue and the
 * request, and the interaction stays in its queue: asked again once `external-timeout` lapses.
 */
export class ExternalWebhook {
  private readonly pending = new Set<Promise<void>>();
  private readonly closing = new AbortController();

  constructor(private readonly deps: ExternalWebhookDeps) {}

  /** Posts the request in the background (the routing step does not wait for the decider). */
  readonly ask = (tenant: number, ask: ExternalAsk): void => {
    if (!this.deps.options.urls[ask.queue] || this.closing.signal.aborted) return;
    const delivery = this.deliver(tenant, ask).catch((error: unknown) =>
      this.deps.onProblem(tenant, `external request ${ask.requestId} failed: ${String(error)}`),
    );
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  };

  /** Resolves once every request begun is answered or given up. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Abandons the requests under way (they are asked again by whichever replica runs then). */
  async close(): Promise<void> {
    this.closing.abort();
    await this.idle();
  }

  private async deliver(tenant: number, ask: ExternalAsk): Promise<void> {
    const { options, interactions, clock } = this.deps;
    const url = options.urls[ask.queue];
    const info = await interactions.get(ask.interactionId);
    const properties = Object.fromEntries(Object.entries(info?.properties ?? {}).filter(([key]) => !WITHHELD.has(key)));
    const body = JSON.stringify({
      requestId: ask.requestId,
      tenant,
      queue: ask.queue,
      interaction: { interactionId: ask.interactionId, sessionId: info?.sessionId, submittedAt: info?.submittedAt, properties },
      candidates: ask.candidates,
      expiresAt: ask.expiresAt,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', [EXTERNAL_REQUEST_HEADER]: ask.requestId };
    if (options.signingSecret)
      headers[EXTERNAL_SIGNATURE_HEADER] = webhookSignature(options.signingSecret, Math.floor(clock.now() / 1000), ask.requestId, body);
    const what = `the external decider of queue ${ask.queue} (request ${ask.requestId})`;
    const later = 'the interaction stays queued and is asked again when external-timeout lapses';
    const timeout = AbortSignal.timeout(options.timeoutMs);
    let reply: { status: number; text: string };
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.any([timeout, this.closing.signal]) });
      reply = { status: response.status, text: (await response.text()).slice(0, MAX_REPLY_BYTES) };
    } catch (error) {
      if (this.closing.signal.aborted) return;
      const reason = timeout.aborted ? `gave no answer within ${options.timeoutMs} ms` : `could not be reached (${describe(error)})`;
      return this.deps.onProblem(tenant, `${what} ${reason}; ${later}`);
    }
    if (reply.status === 202 || reply.status === 204) return;
    if (reply.status < 200 || reply.status >= 300) return this.deps.onProblem(tenant, `${what} answered status ${reply.status}; ${later}`);
    const decision = readDecision(reply.text);
    if (decision === 'none') return;
    if (typeof decision === 'string') return this.deps.onProblem(tenant, `${what} answered a bad reply: ${decision}; ${later}`);
    await this.decide(tenant, ask, decision, what);
  }

  /** Publishes the decision as a command, and reports it if routing refuses it (heard within the request's time). */
  private async decide(tenant: number, ask: ExternalAsk, decision: Decision, what: string): Promise<void> {
    const { bus, fanOut, clock } = this.deps;
    const command: RoutingCommandRecord = {
      type: 'external-decision',
      commandId: `decision:${ask.requestId}`,
      tenant,
      at: clock.now(),
      requestId: ask.requestId,
      ...decision,
    };
    const waitMs = Math.max(0, ask.expiresAt - clock.now());
    const publish = (): Promise<void> => bus.publish([{ topic: TOPICS.routingCommands, key: String(tenant), value: command }]);
    const outcome = await awaitOutcome(fanOut, command, waitMs, publish, this.closing.signal);
    if (outcome?.type === 'refused') this.deps.onProblem(tenant, `routing refused the decision of ${what} (${outcome.code}): ${outcome.message}`);
  }
}

/** Sends the decision `command` and resolves with routing's outcome of it, or undefined if none is heard in time. */
export function awaitOutcome(
  fanOut: FanOut,
  command: Extract<RoutingCommandRecord, { type: 'external-decision' }>,
  waitMs: number,
  publish: () => Promise<void>,
  abandon?: AbortSignal,
): Promise<RoutingDecisionOutcome | undefined> {
  const channel = routingDecisionChannel(command.tenant, command.requestId);
  const match = (m: unknown): RoutingDecisionOutcome | undefined =>
    (m as RoutingDecisionOutcome).commandId === command.commandId ? (m as RoutingDecisionOutcome) : undefined;
  return awaitAnswer(fanOut, channel, match, waitMs, publish, abandon);
}

type Decision = { targetAgentId: string } | { queue: string };

/**
 * A decider's reply body: `{"agentId": "<id>"}` offers the interaction to that agent, `{"queue": "<name>"}` moves it
 * there, `{}` or `{"agentId": null}` decides nothing now. Anything else: a message naming the problem.
 */
export function readDecision(text: string): Decision | 'none' | string {
  if (text.trim() === '') return 'none';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'expected a JSON object';
  const { agentId, queue } = body as { agentId?: unknown; queue?: unknown };
  const named = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256;
  if (agentId !== undefined && agentId !== null && !named(agentId)) return 'agentId must be a non-empty string of at most 256 characters, or null';
  if (queue !== undefined && queue !== null && !named(queue)) return 'queue must be a non-empty string of at most 256 characters, or null';
  if (named(agentId) && named(queue)) return 'name either an agentId or a queue, not both';
  if (named(agentId)) return { targetAgentId: agentId };
  if (named(queue)) return { queue };
  return 'none';
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
