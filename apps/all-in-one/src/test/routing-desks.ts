import type { RoutingServerEvent, ServerEvent } from '@ocs/agent-protocol';
import type { RoutingAgentMessage } from '@ocs/contracts';
import { AgentTestClient, scrapeMetric } from '@ocs/testing';
import type { ServiceProcess, TestCluster } from './cluster';
import { AGENT_TOKEN } from './product';

/** What an agent signs in to routing with. */
export interface DeskProfile {
  capacity: number;
  skills?: Record<string, number>;
  queues: string[];
}

/** What one agent heard of routing, and what it did with its chats. */
export interface Desk {
  name: string;
  profile: DeskProfile;
  client: AgentTestClient;
  /** Offers heard, by offer id. */
  offers: Map<string, { interactionId: string; queue: string }>;
  /** Sessions routed to this agent, with the queue `routed` named, and their interactions. */
  routed: Map<string, string>;
  routedIds: Set<string>;
  /** Interactions whose offer ended or that were returned to their queue. */
  ended: string[];
  /** Chats routed to this agent and not yet released by it: now, and the most at any time. */
  load: number;
  maxLoad: number;
  /** Chats this agent joined and closed, and what went wrong doing so. */
  closed: number;
  failures: string[];
}

/**
 * An agent on `gateway`'s WebSocket that signs in to routing with `profile`, ready, and accepts every offer it has
 * not seen yet, a little later (so a replica may die between the offer and the accept); an offer told again after
 * another replica took over (same id) is dropped, and so is a `routed` told again. With `closeChats`, it joins each chat routed to it, holds it a
 * moment, and closes it (`FORCE_CLOSE`), which frees its slot for the next chat.
 */
export async function desk(gateway: ServiceProcess, name: string, profile: DeskProfile, closeChats = false): Promise<Desk> {
  const client = await AgentTestClient.connect(`${gateway.url.replace(/^http/, 'ws')}/agent/ws`);
  const d: Desk = {
    name,
    profile,
    client,
    offers: new Map(),
    routed: new Map(),
    routedIds: new Set(),
    ended: [],
    load: 0,
    maxLoad: 0,
    closed: 0,
    failures: [],
  };
  await client.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: name, userType: 'AGENT' });
  client.ws.on('message', (data) => {
    const e = JSON.parse(data.toString()) as ServerEvent;
    if (e.type !== 'routing') return;
    const m = (e as RoutingServerEvent).event as RoutingAgentMessage;
    if (m.type === 'offer' && !d.offers.has(m.offerId)) {
      d.offers.set(m.offerId, { interactionId: m.interactionId, queue: m.queue });
      setTimeout(() => client.ws.send(JSON.stringify({ type: 'routingAccept', offerId: m.offerId })), Math.floor(Math.random() * 300));
    } else if (m.type === 'routed' && !d.routed.has(m.sessionId)) {
      // Once per session: a replica taking over from one killed before it answered tells the same `routed` again.
      d.routed.set(m.sessionId, m.queue);
      d.routedIds.add(m.interactionId);
      d.load += 1;
      d.maxLoad = Math.max(d.maxLoad, d.load);
      if (closeChats) handle(d, m).catch((error: Error) => d.failures.push(`${m.sessionId}: ${error.message}`));
    } else if (m.type === 'offer-ended' || m.type === 'returned') d.ended.push(m.interactionId);
  });
  const login = { type: 'routingLogin', capacity: { chat: profile.capacity }, queues: profile.queues, ready: true };
  const presence = await client.expect('routing', profile.skills ? { ...login, skills: profile.skills } : login);
  expect(presence.event).toMatchObject({ type: 'presence', agent: { agentId: name, ready: true } });
  return d;
}

/** Joins a chat routed to the agent, and closes it a moment later. */
async function handle(d: Desk, routed: Extract<RoutingAgentMessage, { type: 'routed' }>): Promise<void> {
  await d.client.expect('sessionInfo', routed.join);
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 200)));
  // The slot counts as free from the moment the agent lets go: routing can free it only after the release.
  d.load -= 1;
  await d.client.expect('ack', { type: 'releaseParty', sessionId: routed.sessionId, afterAction: 'FORCE_CLOSE' });
  d.closed += 1;
}

/** The agents each session was routed to. */
export function ownersOf(desks: readonly Desk[]): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const d of desks) for (const s of d.routed.keys()) owners.set(s, [...(owners.get(s) ?? []), d.name]);
  return owners;
}

/**
 * What is wrong with the offers the agents heard: an offer id heard by more than one agent, and an offer that neither
 * became its agent's chat nor ended (every offer must do one or the other).
 */
export function offerFaults(desks: readonly Desk[]): { repeated: string[]; unsettled: string[] } {
  const ids = desks.flatMap((d) => [...d.offers.keys()]);
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  const unsettled = desks.flatMap((d) =>
    [...d.offers].filter(([, o]) => !d.routedIds.has(o.interactionId) && !d.ended.includes(o.interactionId)).map(([id]) => `${d.name}: ${id}`),
  );
  return { repeated, unsettled };
}

/**
 * The routing replicas (esp-gateways) of a cluster test: `mark` starts counting their offers, `killOfferer` SIGKILLs
 * the one that made the most offers since (the one holding the tenant's partition) and starts a new one in its place.
 */
export class RoutingReplicas {
  private marked: number[] | undefined;
  private started = 0;

  private constructor(
    private readonly cluster: TestCluster,
    readonly live: ServiceProcess[],
  ) {}

  static async start(cluster: TestCluster, count: number): Promise<RoutingReplicas> {
    const replicas = new RoutingReplicas(cluster, []);
    for (let i = 0; i < count; i++) await replicas.add();
    return replicas;
  }

  async mark(): Promise<void> {
    this.marked = await this.offersMade();
  }

  /** Kills the replica that made the most offers since `mark`; answers how many it made. */
  async killOfferer(): Promise<number> {
    const marked = this.marked;
    if (!marked) throw new Error('mark the replicas’ offers before killing the one making them');
    this.marked = undefined;
    const made = (await this.offersMade()).map((n, i) => n - marked[i]);
    const most = Math.max(...made);
    const [victim] = this.live.splice(made.indexOf(most), 1);
    this.cluster.kill(victim);
    await this.add();
    return most;
  }

  private async add(): Promise<void> {
    this.started += 1;
    this.live.push(await this.cluster.esp(`x${this.started}`));
  }

  /** How many offers each replica has made so far, in every queue of tenant 1 (its routing metrics). */
  private offersMade(): Promise<number[]> {
    return Promise.all(this.live.map((r) => scrapeMetric(r.url, 'ocs_routing_offers_total', { tenant: '1', outcome: 'offered' })));
  }
}
