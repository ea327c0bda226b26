import { CassandraInteractionServer, CassandraOwnershipStore, CassandraTranscriptStore } from '@ocs/adapters-cassandra';
import { MemoryEventBus } from '@ocs/adapters-memory';
import { NODE_PROPERTY } from '@ocs/interaction-bridge';
import { GmsCometdClient, GmsRestClient, TEST_ESP_AUTHORIZATION, until, type AgentTestClient, type ChatV2Reply } from '@ocs/testing';
import { AGENT_TOKEN } from './test/product';
import { agentJoins, clusterFixture, realServers, type ServiceProcess } from './test/cluster';

const servers = realServers();
/** Concurrent chats: two of three with a REST customer, the third with a CometD one; each with an agent. */
const CHATS = 12;

interface Chat {
  sessionId: string;
  rest?: GmsRestClient;
  cometd?: GmsCometdClient;
  agent: AgentTestClient;
  gateway: ServiceProcess;
  /** Texts whose sending was acknowledged, by customer or agent. */
  acknowledged: string[];
}

/** Retries while the cluster answers "try again" (a node lost, another restoring), as GMS clients do on statusCode 1. */
async function acknowledged<T>(attempt: () => Promise<T | undefined>, what: string): Promise<T> {
  return until(async () => attempt().catch(() => undefined), what, 30_000);
}

(servers ? describe : describe.skip)('cluster: 3 session-engine processes, 2 gateways, real Cassandra, Kafka and Redis', () => {
  const engines: ServiceProcess[] = [];
  const gateways: ServiceProcess[] = [];
  let esp: ServiceProcess;
  const fixture = clusterFixture(servers, {}, async (cluster) => {
    for (const id of ['e1', 'e2', 'e3']) engines.push(await cluster.engine(id));
    for (const id of ['g1', 'g2']) gateways.push(await cluster.gateway(id));
    esp = await cluster.esp('x1');
  });
  const { cluster, clients } = fixture;
  const agentOn = (gateway: ServiceProcess, sessionId: string, nickname: string) => agentJoins(fixture, gateway, sessionId, nickname);

  it('keeps every session going when the owner of live sessions is killed with SIGKILL, losing no acknowledged message', async () => {
    const chats: Chat[] = [];
    for (let i = 0; i < CHATS; i++) {
      const gateway = gateways[i % 2];
      if (i % 3 !== 2) {
        const rest = new GmsRestClient(gateway.url);
        expect((await rest.requestChat({ nickname: `Customer ${i}` })).body.statusCode).toBe(0);
        chats.push({ sessionId: rest.chatId, rest, gateway, agent: await agentOn(gateways[(i + 1) % 2], rest.chatId, `Agent ${i}`), acknowledged: [] });
      } else {
        const cometd = await GmsCometdClient.connect(`${gateway.url}/genesys/cometd`, 'long-polling');
        clients.push({ close: () => cometd.disconnect() });
        const started = await cometd.requestChat({ nickname: `Customer ${i}` });
        const sessionId = started.chatId ?? '';
        chats.push({ sessionId, cometd, gateway, agent: await agentOn(gateways[(i + 1) % 2], sessionId, `Agent ${i}`), acknowledged: [] });
      }
    }

    const customerSays = async (chat: Chat, text: string) => {
      if (chat.rest) {
        await acknowledged(
          async () => ((await chat.rest?.op('send', { message: text }))?.body.statusCode === 0 ? true : undefined),
          `customer message "${text}"`,
        );
      } else {
        const cometd = chat.cometd as GmsCometdClient;
        await acknowledged(async () => {
          const seen = cometd.inbox.history.length;
          await cometd.publish({ operation: 'sendMessage', message: text });
          // The reply to this publish: a refusal worth retrying (statusCode 1), or success.
          const reply = await until(
            async () => cometd.inbox.history.slice(seen).find((r: ChatV2Reply) => r.statusCode !== 0 || r.messages.length === 0),
            'the reply',
            10_000,
          );
          return reply.statusCode === 0 ? true : undefined;
        }, `customer message "${text}" over CometD`);
      }
      chat.acknowledged.push(text);
    };
    const agentSays = async (chat: Chat, text: string) => {
      const reply = await chat.agent.request({ type: 'message', sessionId: chat.sessionId, text });
      if (reply.type !== 'ack') throw new Error(`agent message refused: ${JSON.stringify(reply)}`);
      chat.acknowledged.push(text);
    };

    for (const [i, chat] of chats.entries()) {
      await customerSays(chat, `hello ${i}`);
      await agentSays(chat, `welcome ${i}`);
    }

    const { cassandra } = fixture;
    const owners = new CassandraOwnershipStore(cassandra);
    const ownerOf = async (chat: Chat) => (await owners.owner(chat.sessionId))?.nodeId;
    // Where the interaction says its session is served (the bridge consumes the session events from Kafka).
    const interactions = new CassandraInteractionServer(cassandra, new MemoryEventBus());
    const interactionOf = async (chat: Chat): Promise<string | undefined> => {
      const row = (
        await cassandra.client.execute(`SELECT interaction_id FROM ${cluster.keyspace}.interactions_by_session WHERE session_id = ?`, [chat.sessionId])
      ).first();
      return row?.get('interaction_id');
    };
    const locationOf = async (chat: Chat) => {
      const interactionId = await interactionOf(chat);
      return interactionId ? (await interactions.get(interactionId))?.properties[NODE_PROPERTY] : undefined;
    };
    const locatedAtOwner = async (chat: Chat) => {
      const [location, owner] = [await locationOf(chat), await ownerOf(chat)];
      return location !== undefined && location === owner ? location : undefined;
    };
    for (const chat of chats) await until(() => locatedAtOwner(chat), 'the interaction naming the node that created its session', 30_000);
    // A workflow gives each session idle-control parameters and a language of its own: both must survive the crash.
    const workflow = async (method: string, parameters: Record<string, string>, chat: Chat) => {
      const response = await fetch(`${esp.url}/esp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: TEST_ESP_AUTHORIZATION },
        body: JSON.stringify({ Service: 'Chat', Method: method, Parameters: parameters, UserData: { InteractionId: await interactionOf(chat) } }),
      });
      expect(response.status).toBe(200);
    };
    for (const [i, chat] of chats.entries()) {
      await workflow('IdleControlConfigure', { 'timeout-alert': String(3000 + i), 'message-close': `Adiós ${i}` }, chat);
      await workflow('ConfigureSession', { GCTI_LanguageName: 'Spanish' }, chat);
    }
    const victimId = await ownerOf(chats[0]);
    const victim = engines.find((e) => e.name === `engine ${victimId}`);
    if (!victim) throw new Error(`no engine ${victimId}`);
    const affected: Chat[] = [];
    for (const chat of chats) if ((await ownerOf(chat)) === victimId) affected.push(chat);
    cluster.kill(victim);

    // First after the crash, a workflow's ESP request for a session of the dead node: found through the shared
    // interaction queue, served by the node that restores the session.
    const workflowText = 'a message from the workflow';
    const espReply = await acknowledged(async () => {
      const response = await fetch(`${esp.url}/esp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: TEST_ESP_AUTHORIZATION },
        body: JSON.stringify({
          Service: 'Chat',
          Method: 'Message',
          Parameters: { MessageText: workflowText },
          UserData: { InteractionId: await interactionOf(affected[0]) },
        }),
      });
      return response.ok ? ((await response.json()) as { Event: string }) : undefined;
    }, 'the ESP message after the crash');
    expect(espReply.Event).toBe('Event3rdServerResponse');
    affected[0].acknowledged.push(workflowText);

    for (const [i, chat] of chats.entries()) await customerSays(chat, `after the crash ${i}`);

    for (const chat of affected) {
      // The agent is told: its own departure with quit reason 8 (restoration); it joins again through its gateway.
      const told = await chat.agent.next(
        (e) => e.type === 'sessionInfo' && e.events.some((ev) => ev.kind === 'partyLeft' && ev.quitReasonCode === '8'),
        'the restoration notice',
      );
      expect(told.type).toBe('sessionInfo');
      await chat.agent.expect('sessionInfo', { type: 'join', sessionId: chat.sessionId });
    }
    for (const [i, chat] of chats.entries()) await agentSays(chat, `still here ${i}`);

    // File transfer across gateways: the customer uploads through one, the agent reads the file through the other.
    const sharer = chats.find((c) => c.rest) as Chat;
    const rest = sharer.rest as GmsRestClient;
    const form = new FormData();
    for (const [key, value] of Object.entries({ userId: rest.userId, secureKey: rest.secureKey, alias: rest.alias })) form.append(key, value);
    const content = 'order 42: shipped twice';
    form.append('file', new Blob([content], { type: 'text/plain' }), 'order.txt');
    const uploaded = await fetch(`${sharer.gateway.url}/genesys/2/chat/customer-support/${sharer.sessionId}/file`, { method: 'POST', body: form });
    expect(uploaded.status).toBe(200);
    const notice = await sharer.agent.pushed(sharer.sessionId, (e) => e.kind === 'notice' && e.text === 'file-uploaded', 'the file-uploaded notice');
    const documentId = String(notice.events.find((e) => e.text === 'file-uploaded')?.userData?.['file-document-id']);
    const agentGateway = gateways.find((g) => g !== sharer.gateway) as ServiceProcess;
    const downloaded = await fetch(`${agentGateway.url}/agent/documents/${documentId}`, { headers: { authorization: `Bearer ${AGENT_TOKEN}` } });
    expect(downloaded.status).toBe(200);
    expect(await downloaded.text()).toBe(content);

    for (const chat of chats.filter((c) => c.cometd)) {
      await until(
        async () => (chat.cometd?.inbox.history.some((r) => r.messages.some((m) => m.text?.startsWith('still here'))) ? true : undefined),
        'the agent message after failover on CometD',
        30_000,
      );
    }

    const store = new CassandraTranscriptStore(cassandra, 'test');
    for (const chat of chats) {
      expect(await ownerOf(chat)).not.toBe(victimId);
      expect(await until(() => locatedAtOwner(chat), 'the interaction naming the node that serves its session now', 30_000)).not.toBe(victimId);
      const state = await store.load(chat.sessionId);
      const transcript = state?.transcript ?? [];
      expect(transcript.map((e) => e.position)).toEqual(transcript.map((_, i) => i));
      for (const text of chat.acknowledged) expect(transcript.filter((e) => e.kind === 'message' && e.text === text)).toHaveLength(1);
      expect(state?.status).toBe('ALIVE');
      const i = chats.indexOf(chat);
      expect(state).toMatchObject({ idleControl: { alertMs: (3000 + i) * 1000, messageClose: `Adiós ${i}` }, language: 'Spanish' });
    }
    for (const chat of affected) expect((await store.load(chat.sessionId))?.restored).toBe(true);
    expect(affected.length).toBeGreaterThan(0);
  }, 300_000);
});
