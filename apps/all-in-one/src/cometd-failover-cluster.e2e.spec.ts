import { CassandraOwnershipStore, CassandraTranscriptStore } from '@ocs/adapters-cassandra';
import { GmsCometdClient, GmsRestClient, until, type ChatV2Reply } from '@ocs/testing';
import { agentJoins, clusterFixture, realServers, type ServiceProcess } from './test/cluster';

const servers = realServers();
/** Low, so that counting a failover's passing refusals as wrong credentials would lock the test's address out. */
const AUTH_FAILURE_LIMIT = 2;

/** Two engines and two gateways, CometD clients on them closed after the suite, and the failover of a chat's engine. */
function failoverCluster() {
  const engines: ServiceProcess[] = [];
  const gateways: ServiceProcess[] = [];
  const fixture = clusterFixture(servers, { OCS__server__auth_failure_limit: String(AUTH_FAILURE_LIMIT) }, async (cluster) => {
    for (const id of ['e1', 'e2']) engines.push(await cluster.engine(id));
    for (const id of ['g1', 'g2']) gateways.push(await cluster.gateway(id));
  });

  async function cometd(gateway: ServiceProcess): Promise<GmsCometdClient> {
    const client = await GmsCometdClient.connect(`${gateway.url}/genesys/cometd`, 'long-polling');
    fixture.clients.push({ close: () => client.disconnect() });
    return client;
  }

  /** Kills (SIGKILL) the engine that owns the chat's session now. */
  async function killOwner(chatId: string): Promise<void> {
    const owner = (await new CassandraOwnershipStore(fixture.cassandra).owner(chatId))?.nodeId;
    const victim = engines.find((e) => e.name === `engine ${owner}`);
    if (!victim) throw new Error(`no engine ${owner}`);
    fixture.cluster.kill(victim);
  }

  return { fixture, gateways, cometd, killOwner };
}

/**
 * A CometD customer whose gateway is killed while its session's engine fails over: on the other gateway, with a new
 * Bayeux client presenting its chatId and secureKey, it gets its chat back where it left off, only ever told to try
 * again meanwhile; the passing refusals do not lock its address out, wrong credentials still do.
 */
(servers ? describe : describe.skip)('cluster: a CometD customer resumes its chat on another gateway through a failover', () => {
  const { fixture, gateways, cometd, killOwner } = failoverCluster();
  const { cluster } = fixture;

  it('gets its chat back from its transcript position, without a gap, a duplicate or an end', async () => {
    const [g1, g2] = gateways;
    const first = await cometd(g1);
    const started = await first.requestChat({ nickname: 'Ann' });
    const chatId = started.chatId ?? '';
    const agent = await agentJoins(fixture, g2, chatId, 'Bob');
    await first.publish({ operation: 'sendMessage', message: 'hello' });
    await first.message((m) => m.text === 'hello', 'the customer’s message');
    await agent.request({ type: 'message', sessionId: chatId, text: 'welcome' });
    const seen = await first.message((m) => m.text === 'welcome', 'the agent’s message');

    // Its gateway dies; the agent goes on; then the engine that owns the session dies too.
    cluster.kill(g1);
    const missed = 'while you were away';
    expect((await agent.request({ type: 'message', sessionId: chatId, text: missed })).type).toBe('ack');
    await killOwner(chatId);

    // A new Bayeux client on the other gateway asks for what it missed at once, while the engine fails over.
    const again = await cometd(g2);
    again.secureKey = first.secureKey;
    const from = seen.index + 1;
    const replies: ChatV2Reply[] = [];
    await until(
      async () => {
        const before = again.inbox.history.length;
        await again.publish({ operation: 'requestNotifications', chatId, userId: started.userId, transcriptPosition: from });
        const reply = await until(async () => again.inbox.history[before], 'the reply to requestNotifications', 10_000);
        replies.push(reply);
        return reply.statusCode === 0 ? reply : undefined;
      },
      'the chat back on the other gateway',
      30_000,
    );
    // Until then only "try again" (503, statusCode 1), never the end of the chat nor a lock-out of the address.
    for (const reply of replies.slice(0, -1)) expect(reply).toMatchObject({ statusCode: 1, chatEnded: false, errors: [{ code: 503 }] });
    expect(replies[replies.length - 1].messages.map((m) => m.text)).toContain(missed);

    // The agent, told of the restoration, joins again; the conversation goes on both ways.
    await agent.next((e) => e.type === 'sessionInfo' && e.events.some((ev) => ev.kind === 'partyLeft' && ev.quitReasonCode === '8'), 'the restoration notice');
    await agent.expect('sessionInfo', { type: 'join', sessionId: chatId });
    await again.publish({ operation: 'sendMessage', chatId, message: 'back again' });
    await agent.pushed(chatId, (e) => e.kind === 'message' && e.text === 'back again', 'the customer’s message after it came back');
    await agent.request({ type: 'message', sessionId: chatId, text: 'good to see you' });
    await again.message((m) => m.text === 'good to see you', 'the agent’s next message, live');
    // What the new client was shown, from its transcript position on: each entry once, in order, none left out.
    const shown = again.inbox.history.slice(replies.length - 1).flatMap((r) => r.messages.map((m) => m.index));
    expect(shown).toEqual(shown.map((_, i) => from + i));
    expect(again.inbox.history.every((r) => !r.chatEnded)).toBe(true);

    // Wrong credentials are still counted: the address waits after AUTH_FAILURE_LIMIT of them.
    const statuses: number[] = [];
    for (let i = 0; i <= AUTH_FAILURE_LIMIT; i++) {
      const reply = await GmsRestClient.post(`${g2.url}/genesys/2/chat/customer-support/${chatId}/refresh`, {
        userId: started.userId ?? '',
        secureKey: 'a-wrong-key',
        alias: started.alias ?? '',
      });
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([...Array<number>(AUTH_FAILURE_LIMIT).fill(404), 429]);
  }, 120_000);
});

/**
 * A CometD customer that comes back with its secureKey alone (no chatId, no userId), as a Genesys GMS client may after
 * a new handshake, while no engine holds its session (its gateway and its session's engine killed): its chat is found
 * where its key was recorded and restored, never told it ended; its message reaches the agent and the transcript.
 */
(servers ? describe : describe.skip)('cluster: a CometD customer presenting its secureKey alone after a failover', () => {
  const { fixture, gateways, cometd, killOwner } = failoverCluster();

  it('continues its chat instead of being told it ended', async () => {
    const [g1, g2] = gateways;
    const first = await cometd(g1);
    const chatId = (await first.requestChat({ nickname: 'Ann' })).chatId ?? '';
    const agent = await agentJoins(fixture, g2, chatId, 'Bob');
    await first.publish({ operation: 'sendMessage', message: 'hello' });
    await agent.pushed(chatId, (e) => e.kind === 'message' && e.text === 'hello', 'the customer’s first message');

    fixture.cluster.kill(g1);
    await killOwner(chatId);

    // A new Bayeux client on the other gateway sends a message naming nothing but its key, until it is taken: until
    // then only "try again" (503, statusCode 1), never the end of the chat nor a refusal of its key.
    const again = await cometd(g2);
    again.secureKey = first.secureKey;
    await until(
      async () => {
        const before = again.inbox.history.length;
        await again.publish({ operation: 'sendMessage', message: 'back with my key', clientMessageId: 'after-failover-1' });
        const reply = await until(async () => again.inbox.history[before], 'the reply to sendMessage', 10_000);
        if (reply.statusCode === 0) return reply;
        expect(reply).toMatchObject({ statusCode: 1, chatEnded: false, errors: [{ code: 503 }] });
        return undefined;
      },
      'the message taken on the other gateway',
      60_000,
    );
    expect(again.inbox.history.every((r) => !r.chatEnded)).toBe(true);

    // The agent, told of the restoration, joins again and is shown the message; the conversation goes on.
    await agent.next((e) => e.type === 'sessionInfo' && e.events.some((ev) => ev.kind === 'partyLeft' && ev.quitReasonCode === '8'), 'the restoration notice');
    const rejoined = await agent.expect('sessionInfo', { type: 'join', sessionId: chatId });
    expect(rejoined.events.filter((e) => e.kind === 'message').map((e) => e.text)).toEqual(['hello', 'back with my key']);
    await agent.request({ type: 'message', sessionId: chatId, text: 'welcome back' });
    await again.message((m) => m.text === 'welcome back', 'the agent’s answer, live');
    const stored = await new CassandraTranscriptStore(fixture.cassandra, 'test').load(chatId);
    const texts = (stored?.transcript ?? []).flatMap((e) => (e.kind === 'message' ? [e.text] : []));
    expect(texts.filter((text) => text === 'back with my key')).toHaveLength(1);
    expect(stored?.status).not.toBe('CLOSED');
  }, 150_000);
});
