import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { AGENT_CLOSE_CODES, type SessionInfoEvent, type WireEvent } from '@ocs/agent-protocol';
import { DEFAULT_RULES, type ChatEvent, type SessionService } from '@ocs/chat-domain';
import { ChatEngine, type Outcome, type Actor, type ChatEngineDeps, type PartyCredentials, type SessionView } from '@ocs/chat-engine';
import { TOPICS, readSessionEvent } from '@ocs/contracts';
import { CryptoIds, systemClock } from '@ocs/ports';
import { AgentTestClient as TestClient, until, within } from '@ocs/testing';
import type { ClientOptions } from 'ws';
import { AuthBackoff } from '../auth-backoff';
import { AgentWsServer, type AgentWsOptions } from './agent-ws-server';

const DESK = 'desk-secret-0123456789';
const BOTS = 'bot-secret-9876543210';

interface LogLine {
  level: 'info' | 'warn';
  fields: object;
  message: string;
}

/** A real engine and agent server behind a loopback HTTP server, as the web API process wires them. */
class Harness {
  readonly logs: LogLine[] = [];
  readonly agents: AgentWsServer;
  private readonly logWaiters: Array<{ message: string; resolve: () => void }> = [];
  private readonly clients: TestClient[] = [];
  private readonly http: Server = createServer();

  constructor(
    readonly engine: ChatEngine,
    options: Partial<AgentWsOptions> = {},
  ) {
    this.agents = new AgentWsServer(
      engine,
      {
        path: '/agent/ws',
        registerTimeoutMs: 10_000,
        maxPayloadBytes: 64 * 1024,
        heartbeatMs: 0,
        tokens: [
          { name: 'desktop', secret: DESK, userTypes: ['AGENT', 'SUPERVISOR'] },
          { name: 'bots', secret: BOTS, userTypes: ['AGENT'] },
        ],
        ...options,
      },
      {
        info: (fields, message) => this.log({ level: 'info', fields, message }),
        warn: (fields, message) => this.log({ level: 'warn', fields, message }),
      },
    );
    this.http.on('upgrade', (req, socket, head) => {
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      if (this.agents.handlesPath(pathname)) this.agents.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  private log(line: LogLine): void {
    this.logs.push(line);
    this.logWaiters.filter((w) => w.message === line.message).forEach((w) => w.resolve());
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/agent/ws`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async connect(options?: ClientOptions): Promise<TestClient> {
    const client = await TestClient.connect(this.url, options);
    this.clients.push(client);
    return client;
  }

  /** A connection registered with the given nickname, user type and token. */
  async agent(nickname: string, userType: 'AGENT' | 'SUPERVISOR' = 'AGENT', token = DESK, options?: ClientOptions): Promise<TestClient> {
    const client = await this.connect(options);
    await client.expect('registered', { type: 'register', token, nickname, userType });
    return client;
  }

  /** Resolves when the server logs `message` (e.g. that it saw a connection close). */
  logged(message: string): Promise<void> {
    return new Promise((resolve) => this.logWaiters.push({ message, resolve }));
  }

  async stop(): Promise<void> {
    await this.agents.close();
    this.clients.forEach((c) => c.ws.terminate());
    await new Promise((resolve) => this.http.close(resolve));
  }
}

function engineDeps(): ChatEngineDeps {
  return { clock: systemClock, ids: new CryptoIds(), rules: DEFAULT_RULES, store: new MemoryTranscriptStore(), bus: new MemoryEventBus() };
}

function newEngine(): ChatEngine {
  return new ChatEngine(engineDeps());
}

async function customer(engine: ChatEngine): Promise<PartyCredentials> {
  const { party } = await engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Carol', protocol: 'FLEX', clientVersion: 106 } });
  return party;
}

/** Texts of the messages the actor may see. */
async function messagesSeenBy(engine: ChatEngine, actor: Actor): Promise<string[]> {
  const view = await engine.read(actor, 0);
  return view.events.flatMap(({ event }) => (event.kind === 'message' ? [event.text] : []));
}

const isMessage = (text: string) => (e: WireEvent) => e.kind === 'message' && e.text === text;

describe('AgentWsServer', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await new Harness(newEngine()).start();
  });

  afterEach(async () => {
    await h.stop();
  });

  describe('registration', () => {
    it('registers with a configured token', async () => {
      const client = await h.connect();
      expect(await client.request({ type: 'register', token: DESK, nickname: 'Ann', userType: 'AGENT', personId: 'ann.b' })).toEqual({
        type: 'registered',
        requestId: 'q1',
        nickname: 'Ann',
        userType: 'AGENT',
      });
      expect(h.logs).toContainEqual(
        expect.objectContaining({ message: 'agent registered', fields: expect.objectContaining({ token: 'desktop', userType: 'AGENT' }) }),
      );
    });

    it('refuses an unknown token and closes with 4401', async () => {
      const client = await h.connect();
      expect(await client.request({ type: 'register', token: 'guess', nickname: 'Mallory', userType: 'AGENT' })).toMatchObject({
        type: 'error',
        code: 'AUTH_FAILED',
      });
      expect(await client.closeCode()).toBe(AGENT_CLOSE_CODES.authFailed);
    });

    it('refuses a user type the token does not allow and closes with 4401', async () => {
      const client = await h.connect();
      expect(await client.request({ type: 'register', token: BOTS, nickname: 'Bot', userType: 'SUPERVISOR' })).toMatchObject({
        type: 'error',
        code: 'AUTH_FAILED',
        message: 'this token does not allow user type SUPERVISOR',
      });
      expect(await client.closeCode()).toBe(AGENT_CLOSE_CODES.authFailed);
    });

    it('makes an address that sent wrong tokens wait before it may register again, without checking its token', async () => {
      let now = 0;
      const guarded = await new Harness(newEngine(), {
        authBackoff: new AuthBackoff({ limit: 3, intervalMs: 60_000, backoffMs: 30_000 }, () => now),
      }).start();
      try {
        for (let i = 0; i < 3; i++) {
          const guess = await guarded.connect();
          expect(await guess.request({ type: 'register', token: `guess-${i}`, nickname: 'M', userType: 'AGENT' })).toMatchObject({ code: 'AUTH_FAILED' });
          expect(await guess.closeCode()).toBe(AGENT_CLOSE_CODES.authFailed);
        }
        const right = await guarded.connect();
        expect(await right.request({ type: 'register', token: DESK, nickname: 'Ann', userType: 'AGENT' })).toEqual({
          type: 'error',
          requestId: 'q1',
          code: 'TOO_MANY_AUTH_FAILURES',
          message: 'too many failed registrations from this address; try again in 30 s',
        });
        expect(await right.closeCode()).toBe(AGENT_CLOSE_CODES.tooManyAuthFailures);
        now += 30_000;
        await guarded.agent('Ann');
      } finally {
        await guarded.stop();
      }
    });

    it('answers NOT_REGISTERED to a request before register and keeps the socket', async () => {
      const client = await h.connect();
      expect(await client.request({ type: 'join' })).toMatchObject({ type: 'error', code: 'NOT_REGISTERED', message: 'send register before join' });
      await client.expect('registered', { type: 'register', token: DESK, nickname: 'Ann', userType: 'AGENT' });
      expect(await client.request({ type: 'register', token: DESK, nickname: 'Ann', userType: 'AGENT' })).toMatchObject({
        type: 'error',
        code: 'ALREADY_REGISTERED',
      });
    });

    it('closes a socket that does not register in time with 4408', async () => {
      const quick = await new Harness(newEngine(), { registerTimeoutMs: 300 }).start();
      try {
        const client = await quick.connect();
        expect(await client.closeCode()).toBe(AGENT_CLOSE_CODES.registerTimeout);
      } finally {
        await quick.stop();
      }
    });
  });

  describe('a conversation with a customer', () => {
    let carol: PartyCredentials;

    beforeEach(async () => {
      carol = await customer(h.engine);
      await h.engine.message(carol, { text: 'Hello, I need help' });
    });

    it('joins the session and gets the transcript so far', async () => {
      const ann = await h.agent('Ann');
      const info = await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      expect(info).toMatchObject({ requestId: 'q2', sessionId: carol.sessionId, status: 'ALIVE', monitored: false, nextPosition: 3 });
      expect(info.events).toEqual([
        expect.objectContaining({
          kind: 'newParty',
          position: 0,
          userId: carol.userId,
          nickname: 'Carol',
          userType: 'CLIENT',
          partyNumber: 1,
          visibility: 'ALL',
        }),
        expect.objectContaining({ kind: 'message', position: 1, userType: 'CLIENT', text: 'Hello, I need help' }),
        expect.objectContaining({ kind: 'newParty', position: 2, userId: info.userId, nickname: 'Ann', userType: 'AGENT', partyNumber: 2 }),
      ]);
    });

    it('pushes what the customer says live, and carries what the agent says to the customer', async () => {
      const ann = await h.agent('Ann');
      await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });

      await h.engine.message(carol, { text: 'Are you there?' });
      const pushed = await ann.pushed(carol.sessionId, isMessage('Are you there?'), 'the customer message');
      expect(pushed.events).toEqual([expect.objectContaining({ kind: 'message', userId: carol.userId, nickname: 'Carol', userType: 'CLIENT' })]);

      const ack = await ann.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'Yes, how can I help?' });
      expect(ack).toEqual({ type: 'ack', requestId: 'q3', sessionId: carol.sessionId, eventId: expect.any(Number), position: 4 });
      const view = await h.engine.read(carol, ack.position ?? 0);
      expect(view.events).toEqual([
        expect.objectContaining({
          event: expect.objectContaining({ kind: 'message', text: 'Yes, how can I help?', eventId: ack.eventId }),
          from: expect.objectContaining({ nickname: 'Ann', userType: 'AGENT' }),
        }),
      ]);
    });

    it('sends notices: typing, read confirmation and a nickname change', async () => {
      const ann = await h.agent('Ann');
      const joined = await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      const lastEventId = String(joined.events[1].eventId);

      await ann.expect('ack', { type: 'notify', sessionId: carol.sessionId, noticeType: 'TYPING_STARTED' });
      await ann.expect('ack', {
        type: 'notify',
        sessionId: carol.sessionId,
        noticeType: 'SYS_COMMAND',
        text: 'read-confirm',
        userData: { 'last-event-id': lastEventId },
      });
      await ann.expect('ack', { type: 'notify', sessionId: carol.sessionId, noticeType: 'USER_UPDATE_NICK', text: 'Ann B.' });
      expect(await ann.request({ type: 'notify', sessionId: carol.sessionId, noticeType: 'SYS_COMMAND', text: 'read-confirm' })).toMatchObject({
        type: 'error',
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('last-event-id'),
      });

      const notices = (await h.engine.read(carol, 0)).events.flatMap(({ event }) =>
        event.kind === 'notice' ? [[event.noticeType, event.text, event.nickname]] : [],
      );
      expect(notices).toEqual([
        ['TYPING_STARTED', '', 'Ann'],
        ['SYS_COMMAND', 'read-confirm', 'Ann'],
        ['USER_UPDATE_NICK', 'Ann B.', 'Ann B.'],
      ]);
    });

    it('refreshes from a position', async () => {
      const ann = await h.agent('Ann');
      await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      const info = await ann.expect('sessionInfo', { type: 'refresh', sessionId: carol.sessionId, fromPosition: 1 });
      expect(info.events.map((e) => e.position)).toEqual([1, 2]);
    });

    it('refuses sessions the connection is not in, and joining one twice', async () => {
      const ann = await h.agent('Ann');
      expect(await ann.request({ type: 'message', sessionId: carol.sessionId, text: 'hi' })).toMatchObject({
        type: 'error',
        code: 'UNKNOWN_SESSION_FOR_CONNECTION',
      });
      expect(await ann.request({ type: 'join', sessionId: 'NO-SUCH-SESSION' })).toMatchObject({ type: 'error', code: 'SESSION_NOT_FOUND' });
      await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      expect(await ann.request({ type: 'join', sessionId: carol.sessionId })).toMatchObject({ type: 'error', code: 'ALREADY_JOINED' });
    });

    it('lets a supervisor coach: its INT message reaches the agent but not the customer', async () => {
      const ann = await h.agent('Ann');
      await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      const sue = await h.agent('Sue', 'SUPERVISOR');
      await sue.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId, visibility: 'INT' });

      await sue.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'Offer the discount' });
      const pushed = await ann.pushed(carol.sessionId, isMessage('Offer the discount'), 'the coaching message');
      expect(pushed.events).toEqual([expect.objectContaining({ nickname: 'Sue', userType: 'SUPERVISOR', visibility: 'INT' })]);

      const seen = await h.engine.read(carol, 0);
      expect(seen.events.map(({ from }) => from.nickname)).not.toContain('Sue');
      expect(await messagesSeenBy(h.engine, carol)).toEqual(['Hello, I need help']);
    });

    it('lets a supervisor monitor invisibly, and tells the parties the session is monitored', async () => {
      const ann = await h.agent('Ann');
      await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      const sue = await h.agent('Sue', 'SUPERVISOR');
      const info = await sue.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId, visibility: 'VIP' });
      expect(info).toMatchObject({ monitored: true });

      const pushed = (await ann.next((e) => e.type === 'sessionInfo' && e.monitored === true, 'the monitored flag')) as SessionInfoEvent;
      expect(pushed.events).toEqual([]);
      const seen = await h.engine.read(carol, 0);
      expect(seen.monitored).toBe(true);
      expect(seen.events.map(({ event }) => event.userId)).not.toContain(info.userId);
    });

    it('delivers a direct message to its receiver only', async () => {
      const ann = await h.agent('Ann');
      await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      const bob = await h.agent('Bob');
      await bob.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      const sue = await h.agent('Sue', 'SUPERVISOR');
      const sueInfo = await sue.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId, visibility: 'INT' });

      await ann.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'Can you take over?', receiverId: sueInfo.userId });
      const direct = await sue.pushed(carol.sessionId, isMessage('Can you take over?'), 'the direct message');
      expect(direct.events[0]).toMatchObject({ nickname: 'Ann', receiverId: sueInfo.userId });

      // A later message every agent sees: once Bob has it, he would have had the direct one before it.
      await ann.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'Team note', visibility: 'INT' });
      await bob.pushed(carol.sessionId, isMessage('Team note'), 'the team note');
      const bobSaw = bob.history.flatMap((e) => (e.type === 'sessionInfo' ? e.events.map((w) => w.text) : []));
      expect(bobSaw).not.toContain('Can you take over?');
      expect(await messagesSeenBy(h.engine, carol)).toEqual(['Hello, I need help']);
    });

    it('lets a bot chat and hand over with KEEP_ALIVE, then a human agent joins', async () => {
      const bot = await h.agent('HelpBot', 'AGENT', BOTS);
      const joined = await bot.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId, userData: { GCTI_Chat_SetPartyStyle: 'BOT' } });
      expect(joined.events[2]).toMatchObject({ kind: 'newParty', isBot: true, userData: { GCTI_Chat_PartyStyle: 'BOT' } });
      await bot.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'I am a bot; let me find a human' });
      const released = await bot.expect('ack', { type: 'releaseParty', sessionId: carol.sessionId, afterAction: 'KEEP_ALIVE' });
      expect(released).toEqual({ type: 'ack', requestId: 'q4', sessionId: carol.sessionId, eventId: 5, position: 4 });
      expect(await bot.request({ type: 'message', sessionId: carol.sessionId, text: 'still here?' })).toMatchObject({ code: 'UNKNOWN_SESSION_FOR_CONNECTION' });

      const ann = await h.agent('Ann');
      const annJoined = await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      expect(annJoined.status).toBe('ALIVE');
      expect(annJoined.events.filter((e) => e.isBot).map((e) => [e.kind, e.text ?? e.reason?.text])).toEqual([
        ['newParty', undefined],
        ['message', 'I am a bot; let me find a human'],
        ['partyLeft', 'left'],
      ]);
      await ann.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'Hi, Ann here' });

      const seen = await h.engine.read(carol, 0);
      expect(seen.closed).toBe(false);
      expect(seen.events.flatMap(({ event, from }) => (event.kind === 'message' ? [[from.nickname, from.isBot, event.text]] : []))).toEqual([
        ['Carol', false, 'Hello, I need help'],
        ['HelpBot', true, 'I am a bot; let me find a human'],
        ['Ann', false, 'Hi, Ann here'],
      ]);
    });

    it('closes the session on FORCE_CLOSE and sends the agent the CLOSED status', async () => {
      const ann = await h.agent('Ann');
      await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      await ann.expect('ack', { type: 'releaseParty', sessionId: carol.sessionId, afterAction: 'FORCE_CLOSE', text: 'Goodbye' });
      const last = ann.history.find((e): e is SessionInfoEvent => e.type === 'sessionInfo' && e.status === 'CLOSED');
      expect(last?.events).toEqual([
        expect.objectContaining({ kind: 'partyLeft', text: 'Goodbye', reason: { code: 2, text: 'left with request to close forcedly' } }),
      ]);
      expect((await h.engine.read(carol, 0)).closed).toBe(true);
      expect(await ann.request({ type: 'refresh', sessionId: carol.sessionId, fromPosition: 0 })).toMatchObject({ code: 'UNKNOWN_SESSION_FOR_CONNECTION' });
    });

    it('removes the party of a dropped connection with quit reason 3', async () => {
      const ann = await h.agent('Ann');
      const joined = await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      const left = new Promise<SessionView>((resolve) => {
        void h.engine.attach(carol, joined.nextPosition, (view) => {
          if (view.events.some(({ event }) => event.kind === 'partyLeft')) resolve(view);
        });
      });

      ann.ws.terminate();
      const { events } = await within(left, 'departure of the dropped agent');
      expect(events[0].event).toMatchObject({
        kind: 'partyLeft',
        userId: joined.userId,
        reason: { code: 3, text: 'left due to disconnect' },
        quitReasonCode: '3',
        eventAttributes: { GCTI_SYSTEM: { 'quit-reason-code': '3' } },
      });
      expect((await h.engine.read(carol, 0)).closed).toBe(false);
    });

    it('drops a connection whose peer stopped answering pings, removing its party', async () => {
      const beating = await new Harness(h.engine, { heartbeatMs: 100 }).start();
      try {
        const silent = await beating.agent('Silent', 'AGENT', DESK, { autoPong: false });
        const healthy = await beating.agent('Healthy');
        const joined = await silent.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
        await healthy.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
        expect(await silent.closeCode()).toBe(1006);
        const seen = await healthy.pushed(carol.sessionId, (e) => e.kind === 'partyLeft', 'departure of the silent agent');
        expect(seen.events.find((e) => e.kind === 'partyLeft')).toMatchObject({ userId: joined.userId, quitReasonCode: '3' });
        await healthy.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'I am still connected' });
      } finally {
        await beating.stop();
      }
    });

    it('removes the parties of every connection when the server closes', async () => {
      const ann = await h.agent('Ann');
      await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      await h.agents.close();
      expect(await ann.closeCode()).toBe(1001);
      const last = (await h.engine.read(carol, 0)).events.at(-1);
      expect(last?.event).toMatchObject({ kind: 'partyLeft', nickname: 'Ann', quitReasonCode: '3' });
    });

    it('never logs message texts, user data, tokens or secure keys', async () => {
      const ann = await h.agent('Ann');
      await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId, userData: { CustomerSecret: 'user-data-value' } });
      await ann.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'message-text-value' });
      await h.connect().then((c) => c.request({ type: 'register', token: 'wrong-token-value', nickname: 'M', userType: 'AGENT' }));
      ann.ws.terminate();
      await ann.closeCode();
      await h.agents.close();
      const logged = JSON.stringify(h.logs);
      expect(h.logs.map((l) => l.message)).toEqual(expect.arrayContaining(['agent joined session', 'agent connection closed']));
      for (const secret of [DESK, 'wrong-token-value', 'user-data-value', 'message-text-value', 'Hello, I need help', carol.secureKey]) {
        expect(logged).not.toContain(secret);
      }
    });
  });

  describe('outbound and session passwords', () => {
    it('creates a session when joining without a session id; a later party needs its password', async () => {
      const ann = await h.agent('Ann');
      const created = await ann.expect('sessionInfo', { type: 'join', userData: { GCTI_Chat_SessionPassword: 'pw-123' }, text: 'Calling about your order' });
      expect(created).toMatchObject({ status: 'ALIVE', nextPosition: 1 });
      expect(created.events).toEqual([
        expect.objectContaining({ kind: 'newParty', userId: created.userId, userType: 'AGENT', partyNumber: 1, text: 'Calling about your order' }),
      ]);
      expect(JSON.stringify(created)).not.toContain('pw-123');

      const bob = await h.agent('Bob');
      expect(await bob.request({ type: 'join', sessionId: created.sessionId })).toMatchObject({ type: 'error', code: 'SESSION_PASSWORD_REQUIRED' });
      await bob.expect('sessionInfo', { type: 'join', sessionId: created.sessionId, userData: { GCTI_Chat_SessionPassword: 'pw-123' } });
      await ann.pushed(created.sessionId, (e) => e.kind === 'newParty' && e.nickname === 'Bob', 'the second agent joining');
    });
  });

  describe('session scope: routing grants agents a session, tokens bound supervisors and tenants', () => {
    const SALES: SessionService = { name: 'sales', tenantDbid: 1, endpoint: 'sales' };
    const SUPPORT: SessionService = { name: 'support', tenantDbid: 1, endpoint: 'default' };
    const ACME: SessionService = { name: 'acme', tenantDbid: 2, endpoint: 'default' };
    const SALES_SUP = 'sales-supervisor-0123456789';
    const TENANT1 = 'tenant-1-desktop-0123456789';
    const TENANT2 = 'tenant-2-desktop-0123456789';
    let scoped: Harness;
    /** The session passwords routing is handed (the interaction property `ChatServerSessionPassword`). */
    const passwords = new Map<string, string>();

    beforeEach(async () => {
      const deps = { ...engineDeps(), rules: { ...DEFAULT_RULES, sessionPasswordEnforce: true } };
      await deps.bus.subscribe(TOPICS.sessionEvents, 'routing', async (record) => {
        const read = readSessionEvent(record.value, ['created']);
        if ('value' in read && read.value.type === 'created' && read.value.password) passwords.set(read.value.sessionId, read.value.password);
      });
      scoped = await new Harness(new ChatEngine(deps), {
        tokens: [
          { name: 'desktop', secret: DESK, userTypes: ['AGENT', 'SUPERVISOR'] },
          { name: 'sales-sup', secret: SALES_SUP, userTypes: ['SUPERVISOR'], scope: { tenants: [1], entryPoints: ['1:sales'] } },
          { name: 'tenant-1', secret: TENANT1, userTypes: ['AGENT', 'SUPERVISOR'], scope: { tenants: [1] } },
          { name: 'tenant-2', secret: TENANT2, userTypes: ['AGENT'], scope: { tenants: [2] } },
        ],
      }).start();
    });

    afterEach(async () => {
      await scoped.stop();
    });

    async function chat(service: SessionService): Promise<{ sessionId: string; routedJoin: Record<string, unknown> }> {
      const { party } = await scoped.engine.createSession({
        creator: { userType: 'CLIENT', nickname: 'Carol', protocol: 'FLEX', clientVersion: 106 },
        service,
      });
      await scoped.engine.message(party, { text: 'my card number is …' });
      const password = await until(async () => passwords.get(party.sessionId), 'the session password handed to routing');
      // What the router's take answers: a ready join carrying the session password.
      return { sessionId: party.sessionId, routedJoin: { type: 'join', sessionId: party.sessionId, userData: { GCTI_Chat_SessionPassword: password } } };
    }

    it('an agent joining by session id alone is refused; the join routing handed it is admitted', async () => {
      const { sessionId, routedJoin } = await chat(SUPPORT);
      const mallory = await scoped.agent('Mallory');
      expect(await mallory.request({ type: 'join', sessionId })).toMatchObject({ type: 'error', code: 'SESSION_PASSWORD_REQUIRED' });
      expect(await mallory.request({ type: 'join', sessionId, visibility: 'INT' })).toMatchObject({ code: 'SESSION_PASSWORD_REQUIRED' });
      expect(mallory.history.some((e) => e.type === 'sessionInfo')).toBe(false);

      const ann = await scoped.agent('Ann');
      const joined = await ann.expect('sessionInfo', routedJoin);
      expect(joined.events.map((e) => e.text)).toContain('my card number is …');
      expect(JSON.stringify(joined)).not.toContain('GCTI_Chat_SessionPassword');
    });

    it('a supervisor monitors or coaches a session of its queues without the password, but not in conference', async () => {
      const { sessionId } = await chat(SALES);
      const sue = await scoped.agent('Sue', 'SUPERVISOR', SALES_SUP);
      expect(await sue.request({ type: 'join', sessionId })).toMatchObject({ code: 'SESSION_PASSWORD_REQUIRED' });
      expect(await sue.expect('sessionInfo', { type: 'join', sessionId, visibility: 'VIP' })).toMatchObject({ monitored: true });
      const sam = await scoped.agent('Sam', 'SUPERVISOR');
      await sam.expect('sessionInfo', { type: 'join', sessionId, visibility: 'INT' });
    });

    it('a supervisor outside its queues or tenants is refused without the password', async () => {
      const support = await chat(SUPPORT);
      const acme = await chat(ACME);
      const sue = await scoped.agent('Sue', 'SUPERVISOR', SALES_SUP);
      expect(await sue.request({ type: 'join', sessionId: support.sessionId, visibility: 'VIP' })).toMatchObject({ code: 'SESSION_PASSWORD_REQUIRED' });
      expect(await sue.request({ type: 'join', sessionId: acme.sessionId, visibility: 'VIP' })).toMatchObject({
        code: 'FORBIDDEN',
        message: "the session belongs to a tenant outside this token's tenants",
      });
      // With the password (a transfer or invitation through routing) the other queue is open, the other tenant is not.
      await sue.expect('sessionInfo', { ...support.routedJoin, visibility: 'VIP' });
      expect(await sue.request({ ...acme.routedJoin, visibility: 'VIP' })).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('lists to a supervisor the live sessions its token lets it monitor, and refuses the list to an agent', async () => {
      const sales = await chat(SALES);
      await chat(SUPPORT);
      await chat(ACME);
      const sue = await scoped.agent('Sue', 'SUPERVISOR', SALES_SUP);
      const listed = await sue.expect('sessions', { type: 'listSessions' });
      expect(listed.sessions.map((s) => s.sessionId)).toEqual([sales.sessionId]);
      expect(listed.sessions[0]).toMatchObject({ endpoint: SALES.endpoint, waiting: true, parties: [{ nickname: 'Carol', userType: 'CLIENT' }] });
      expect(JSON.stringify(listed)).not.toMatch(/GCTI_Chat_SessionPassword|card number/);
      const ann = await scoped.agent('Ann');
      expect(await ann.request({ type: 'listSessions' })).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    });

    it('a token of tenant 1 reaches no tenant-2 session, even with its password, and creates no outbound session elsewhere', async () => {
      const acme = await chat(ACME);
      const ann = await scoped.agent('Ann', 'AGENT', TENANT1);
      expect(await ann.request(acme.routedJoin)).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
      const sue = await scoped.agent('Sue', 'SUPERVISOR', TENANT1);
      expect(await sue.request({ type: 'join', sessionId: acme.sessionId, visibility: 'VIP' })).toMatchObject({ code: 'FORBIDDEN' });
      // Outbound sessions belong to tenant 1: allowed to this token.
      await ann.expect('sessionInfo', { type: 'join', text: 'Calling about your order' });
      const bea = await scoped.agent('Bea', 'AGENT', TENANT2);
      expect(await bea.request({ type: 'join', text: 'Calling about your order' })).toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  describe('races', () => {
    it('sends the join reply before increments that happened while attaching', async () => {
      let carol: PartyCredentials | undefined;
      class BusyEngine extends ChatEngine {
        override async attach(...args: Parameters<ChatEngine['attach']>): ReturnType<ChatEngine['attach']> {
          const attachment = await super.attach(...args);
          if (carol) await this.message(carol, { text: 'said while the agent attached' });
          return attachment;
        }
      }
      const busy = await new Harness(new BusyEngine(engineDeps())).start();
      try {
        carol = await customer(busy.engine);
        const ann = await busy.agent('Ann');
        const joined = await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
        expect(joined.events.map((e) => e.text)).not.toContain('said while the agent attached');
        await ann.pushed(carol.sessionId, isMessage('said while the agent attached'), 'the message said while attaching');
        expect(ann.history.map((e) => e.type)).toEqual(['registered', 'sessionInfo', 'sessionInfo']);
        expect(ann.history[1]).toMatchObject({ requestId: joined.requestId });
      } finally {
        await busy.stop();
      }
    });

    it('removes a party whose join completes after its connection dropped', async () => {
      let joinStarted!: () => void;
      const started = new Promise<void>((resolve) => (joinStarted = resolve));
      let finishJoin!: () => void;
      const gate = new Promise<void>((resolve) => (finishJoin = resolve));
      class SlowEngine extends ChatEngine {
        override async join(...args: Parameters<ChatEngine['join']>): ReturnType<ChatEngine['join']> {
          joinStarted();
          await gate;
          return super.join(...args);
        }
      }
      const slow = await new Harness(new SlowEngine(engineDeps())).start();
      try {
        const carol = await customer(slow.engine);
        const seen: ChatEvent[] = [];
        const left = new Promise<void>((resolve) => {
          void slow.engine.attach(carol, 1, (view) => {
            seen.push(...view.events.map(({ event }) => event));
            if (seen.some((event) => event.kind === 'partyLeft')) resolve();
          });
        });
        const ann = await slow.agent('Ann');
        ann.ws.send(JSON.stringify({ type: 'join', sessionId: carol.sessionId }));
        await within(started, 'join reaching the engine');
        const serverSawClose = slow.logged('agent connection closed');
        ann.ws.terminate();
        await within(serverSawClose, 'close seen by the server');
        finishJoin();
        await within(left, 'departure of the dropped agent');
        expect(seen.map((event) => [event.kind, event.nickname])).toEqual([
          ['newParty', 'Ann'],
          ['partyLeft', 'Ann'],
        ]);
        expect(seen[1]).toMatchObject({ quitReasonCode: '3' });
      } finally {
        await slow.stop();
      }
    });
  });

  describe('bad input', () => {
    it('answers garbage with error events, and the process and other connections keep working', async () => {
      const carol = await customer(h.engine);
      const ann = await h.agent('Ann');
      const bystander = await h.agent('Bea');
      await bystander.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      const errors = (text: string) => ann.next((e) => e.type === 'error' && e.code === 'BAD_REQUEST' && e.message.includes(text), `an error naming "${text}"`);

      ann.ws.send('this is not JSON');
      ann.ws.send('[1, 2, 3]');
      ann.ws.send('{"type":"message","sessionId":42,"text":true}');
      ann.ws.send('{"type":"teleport"}');
      ann.ws.send('{"type":"join","visibility":"EVERYONE"}');
      ann.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
      ann.ws.send(`{"type":"join","userData":${'{"k":'.repeat(5000)}"x"${'}'.repeat(5000)}}`);
      await errors('not valid JSON');
      await errors('not an array');
      await errors('field sessionId');
      await errors('unknown request type "teleport"');
      await errors('field visibility');
      await errors('binary frames are not supported');
      await errors('deeper than');

      const oversize = await h.connect();
      oversize.ws.send(JSON.stringify({ type: 'register', token: DESK, nickname: 'x'.repeat(70 * 1024), userType: 'AGENT' }));
      expect(await oversize.closeCode()).toBe(1009);

      await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
      await ann.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'Still working' });
      await bystander.pushed(carol.sessionId, isMessage('Still working'), 'the message after the garbage');
      await h.engine.message(carol, { text: 'Me too' });
      await bystander.pushed(carol.sessionId, isMessage('Me too'), 'the customer message after the garbage');
      await h.agent('Late');
    });

    it('refuses a nickname above nickname-max-length at register, and keeps the socket', async () => {
      const client = await h.connect();
      expect(await client.request({ type: 'register', token: DESK, nickname: 'x'.repeat(2000), userType: 'AGENT' })).toMatchObject({
        type: 'error',
        code: 'TEXT_TOO_LONG',
        message: 'nickname is longer than nickname-max-length (128)',
      });
      expect(await client.request({ type: 'register', token: DESK, nickname: `Ann\u0000\n${'\u001b'}[2J`, userType: 'AGENT' })).toMatchObject({
        type: 'registered',
        nickname: 'Ann[2J',
      });
    });

    it('refuses what is beyond the input limits with the code and the limit named; a refusal leaves the session usable', async () => {
      const rules = { ...DEFAULT_RULES, input: { ...DEFAULT_RULES.input, rateLimit: 3, kvMaxKeys: 5, transcriptMaxSize: 2000 } };
      const limited = await new Harness(new ChatEngine({ ...engineDeps(), rules })).start();
      try {
        const carol = await customer(limited.engine);
        const ann = await limited.agent('Ann');
        await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
        const send = (fields: object) => ann.request({ type: 'message', sessionId: carol.sessionId, text: 'x', ...fields });
        const userData = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, 'v']));
        expect(await send({ userData })).toMatchObject({ type: 'error', code: 'DATA_TOO_LARGE', message: expect.stringContaining('user-data-max-keys (5)') });
        expect(await send({ messageType: 'm'.repeat(65) })).toMatchObject({
          type: 'error',
          code: 'TEXT_TOO_LONG',
          message: expect.stringContaining('message-type-max-length (64)'),
        });
        expect(await send({ text: 'y'.repeat(2001) })).toMatchObject({
          type: 'error',
          code: 'TRANSCRIPT_FULL',
          message: expect.stringContaining('transcript-max-size (2000)'),
        });
        await ann.expect('ack', {
          type: 'message',
          sessionId: carol.sessionId,
          text: 'one',
          eventAttributes: { GCTI_SYSTEM: { 'party-info': { style: 'BOT' } }, own: 'kept' },
        });
        await ann.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'two' });
        await ann.expect('ack', { type: 'message', sessionId: carol.sessionId, text: 'three' });
        expect(await send({ text: 'four' })).toMatchObject({ type: 'error', code: 'RATE_LIMITED', message: expect.stringContaining('message-rate-limit (3)') });
        // typing has a bucket of its own
        await ann.expect('ack', { type: 'notify', sessionId: carol.sessionId, noticeType: 'TYPING_STARTED' });
        const one = (await limited.engine.read(carol, 0)).events.find(({ event }) => event.kind === 'message' && event.text === 'one');
        expect(one?.event.eventAttributes).toEqual({ own: 'kept' });
        await ann.expect('ack', { type: 'releaseParty', sessionId: carol.sessionId, afterAction: 'FORCE_CLOSE' });
      } finally {
        await limited.stop();
      }
    });

    it('answers an unexpected engine failure with INTERNAL and logs it without its message', async () => {
      class FailingEngine extends ChatEngine {
        override async message(): Promise<Outcome> {
          throw new Error('store unavailable: message-text-value');
        }
      }
      const failing = await new Harness(new FailingEngine(engineDeps())).start();
      try {
        const carol = await customer(failing.engine);
        const ann = await failing.agent('Ann');
        await ann.expect('sessionInfo', { type: 'join', sessionId: carol.sessionId });
        expect(await ann.request({ type: 'message', sessionId: carol.sessionId, text: 'message-text-value' })).toEqual({
          type: 'error',
          requestId: 'q3',
          code: 'INTERNAL',
          message: 'internal error; the request may not have been carried out',
        });
        expect(failing.logs).toContainEqual(
          expect.objectContaining({ level: 'warn', message: 'agent request failed', fields: expect.objectContaining({ request: 'message' }) }),
        );
        expect(JSON.stringify(failing.logs)).not.toContain('message-text-value');
        await ann.expect('ack', { type: 'notify', sessionId: carol.sessionId, noticeType: 'TYPING_STARTED' });
      } finally {
        await failing.stop();
      }
    });
  });
});
