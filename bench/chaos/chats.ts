import { AGENT_TOKEN, ASYNC_QUEUE, CHAT_QUEUE } from '../load/servers';
import { ChaosAgent } from './agents';
import { ASYNC_SERVICE, CHAT_SERVICE, type ChaosCluster } from './cluster';
import { CometdChaosCustomer, RestChaosCustomer, type ChaosCustomer } from './customers';
import { newRecord, Refusal, retry, statusOf, type ChatRecord, type Sender, type Timeline } from './records';
import type { RoutingDesk } from './routing-desk';

export interface ChatPlan {
  chats: number;
  /** Each chat's script lasts this long: its messages spread over it, then the agent closes it. */
  sessionMs: number;
  messagesPerSide: number;
  /** Each agent's routing capacity; there is one agent more than the chats need. */
  chatsPerAgent: number;
  pollMs: number;
}

/** Sends an ESP `Message` of a workflow to the session's interaction; resolves once the esp-gateway answered it. */
export type EspSender = (record: ChatRecord, text: string) => Promise<void>;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, Math.max(0, ms)));
/** How long a chat waits for routing to hand it to an agent who joined it. */
const ROUTING_MS = 60_000;

/**
 * Which client a chat has: 7 in 10 REST customers, 3 in 10 CometD; every 10th on the async service; every 4th REST
 * customer subscribed to push notifications (it does not poll); every 5th chat gets a workflow's ESP message.
 */
function kindOf(i: number): { customer: 'rest' | 'cometd'; service: string; push: boolean; esp: boolean } {
  const customer = i % 10 < 7 ? 'rest' : 'cometd';
  return { customer, service: i % 10 === 9 ? ASYNC_SERVICE : CHAT_SERVICE, push: customer === 'rest' && i % 4 === 1, esp: i % 5 === 0 };
}

/**
 * Runs every chat's reference conversation (customer and agent taking turns, `messagesPerSide` each, a workflow
 * message in some, then the agent closes the chat), each client retrying with backoff through the faults. The agents
 * (on the other gateway than most customers) are ready in routing first; each chat goes to the one routing offers it
 * to. Resolves once every script ended.
 */
export async function runChats(
  cluster: ChaosCluster,
  plan: ChatPlan,
  timeline: Timeline,
  esp: EspSender,
  rampMs: number,
  /** Filled as the chats start, so the fault line sees them. */
  records: ChatRecord[],
  desk: RoutingDesk<ChaosAgent>,
): Promise<void> {
  const gateways = cluster.names('gateway').map((name) => cluster.url(name));
  const routing = { capacity: plan.chatsPerAgent, queues: [CHAT_QUEUE, ASYNC_QUEUE], desk };
  const agents = Array.from({ length: Math.ceil(plan.chats / plan.chatsPerAgent) + 1 }, (_, i) => {
    const urls = [1, 0].map((k) => `${gateways[(i + k) % gateways.length].replace(/^http/, 'ws')}/agent/ws`);
    return new ChaosAgent(urls, AGENT_TOKEN, `Agent ${i}`, routing);
  });
  await Promise.all(agents.map((agent) => agent.ensure()));
  const scripts: Array<Promise<void>> = [];
  for (let i = 0; i < plan.chats; i++) {
    const kind = kindOf(i);
    const record = newRecord(i, kind.customer, kind.service, kind.push ? `chaos-device-${i}` : undefined);
    records.push(record);
    const base = gateways[i % gateways.length];
    const customer: ChaosCustomer =
      kind.customer === 'rest' ? new RestChaosCustomer(() => base, kind.service, record) : new CometdChaosCustomer(base, kind.service, record);
    scripts.push(
      sleep((rampMs * i) / plan.chats)
        .then(() => script(record, customer, desk, plan, timeline, kind.esp ? esp : undefined))
        .finally(() => (record.current = undefined)),
    );
  }
  await Promise.all(scripts);
  for (const agent of agents) agent.close();
}

function fieldsOf(record: ChatRecord): Record<string, string> {
  const fields: Record<string, string> = { nickname: `Customer ${record.index}`, subject: 'chaos' };
  if (record.pushDevice) {
    Object.assign(fields, {
      'userData[GCTI_Chat_PushSubscribe]': 'true',
      'userData[GCTI_GMS_PushDeviceId]': record.pushDevice,
      'userData[GCTI_GMS_PushDeviceType]': 'customhttp',
      'userData[GCTI_GMS_PushIncludePayload]': 'true',
    });
  }
  return fields;
}

async function script(
  record: ChatRecord,
  customer: ChaosCustomer,
  desk: RoutingDesk<ChaosAgent>,
  plan: ChatPlan,
  timeline: Timeline,
  esp?: EspSender,
): Promise<void> {
  const step = (op: string, attempt: () => Promise<unknown>) => retry(record, timeline, op, attempt);
  const started = await step('requestChat', () => customer.start(fieldsOf(record)));
  if (!started) return;
  record.sessionId = started.value as string;
  record.current = 'routing';
  const waited = Date.now();
  const agent = await desk.agentFor(record, ROUTING_MS, (a) => a.isIn(record.sessionId));
  if (!agent) {
    record.gaveUp.push(`routing: no agent in the chat after ${ROUTING_MS / 1000} s`);
    return customer.close();
  }
  timeline.latency(waited, Date.now() - waited);
  const acknowledge = (from: Sender, text: string, ambiguous: boolean, position?: number) =>
    record.acked.push({ from, text, at: Date.now(), ambiguous: ambiguous || undefined, position });
  // A failed poll is not retried (the next one comes), but what the customer was told is kept like any other error.
  const polled = (error: unknown) => {
    const { status } = statusOf(error);
    record.errors.push({ at: Date.now(), op: 'customer poll', status });
    timeline.error(Date.now(), status);
  };
  const poller = record.pushDevice ? undefined : setInterval(() => void customer.refresh().catch(polled), plan.pollMs);
  const turnMs = plan.sessionMs / (2 * plan.messagesPerSide + 1);
  for (let n = 0; n < plan.messagesPerSide; n++) {
    await sleep(turnMs);
    const text = `c${record.index} customer ${n}`;
    // Sent again after an attempt that got no answer, under the same client message id: stored once all the same.
    const sent = await step('customer send', () => customer.send(text));
    if (sent) acknowledge('customer', text, sent.ambiguous);
    await sleep(turnMs);
    const reply = `c${record.index} agent ${n}`;
    const said = await step('agent send', async () => {
      await agent.ensure();
      return agent.send(record.sessionId, reply).catch(async (error: unknown) => {
        // Removed while its connection was away (a restoration elsewhere, its gateway gone): it joins again.
        if (error instanceof Refusal && error.status === 'agent PARTICIPANT_LEFT') await agent.rejoin(record.sessionId);
        throw error;
      });
    });
    if (said) acknowledge('agent', reply, said.ambiguous, said.value as number | undefined);
    if (esp && n === Math.floor(plan.messagesPerSide / 2)) {
      const text = `c${record.index} workflow`;
      const told = await step('esp message', () => esp(record, text));
      if (told) acknowledge('esp', text, told.ambiguous);
    }
  }
  clearInterval(poller);
  await step('customer refresh', () => customer.refresh());
  record.scriptClosedAt = Date.now();
  await step('agent release', async () => {
    await agent.ensure();
    await agent.release(record.sessionId);
  });
  await step('customer sees the end', async () => {
    await customer.refresh().catch(() => undefined);
    if (!record.closeSeen) throw new Error('timeout: chat not ended yet');
  });
  customer.close();
}
