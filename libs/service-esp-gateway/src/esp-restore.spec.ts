import type { INestApplication } from '@nestjs/common';
import { MemoryEventBus, MemoryOwnershipStore, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { DEFAULT_RULES } from '@ocs/chat-domain';
import { ChatEngine, type RestoreExtension } from '@ocs/chat-engine';
import { bootstrapApp, createLogger } from '@ocs/observability';
import { CryptoIds, systemClock } from '@ocs/ports';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from './esp-gateway.module';

/**
 * ESP requests for a session whose node is gone (cluster, `session-restoration-mode=simple`), served by the node
 * the workflow reaches: `GetSessionInfo` with `InduceRestore=true` restores the session there when
 * `session-restore-extend-by` is `esp` or `both`.
 */

interface Reply {
  status: number;
  body: { Event: string; Parameters?: Record<string, unknown>; FaultCode?: number; FaultString?: string };
}

const apps: INestApplication[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

/** Node A holds a session bound to interaction IXN-1, then dies; ESP reaches node B over HTTP. */
async function lostSession(extendBy: RestoreExtension) {
  const ownership = new MemoryOwnershipStore();
  const store = new MemoryTranscriptStore(ownership);
  const bus = new MemoryEventBus();
  const alive = new Set(['A', 'B']);
  const interactionsOf = new Map<string, { sessionId: string }>();
  const node = (nodeId: string) =>
    new ChatEngine({
      clock: systemClock,
      ids: new CryptoIds(),
      rules: DEFAULT_RULES,
      store,
      bus,
      durability: { autoSave: 1, saveOnError: 'continue', resendAttempts: 0, resendDelayMs: 0 },
      ownership: { nodeId, store: ownership, isAlive: async (id) => alive.has(id), extendBy },
      interactions: { get: async (id) => interactionsOf.get(id) },
    });
  const a = node('A');
  const b = node('B');
  const { party } = await a.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
  await a.bindInteraction(party.sessionId, 'IXN-1');
  interactionsOf.set('IXN-1', { sessionId: party.sessionId });
  alive.delete('A');
  const logger = createLogger({ service: ESP_GATEWAY_SERVICE, level: 'silent' });
  const { app, url } = await bootstrapApp(EspGatewayModule.forRoot({ engine: b }), { service: ESP_GATEWAY_SERVICE, host: '127.0.0.1', port: 0, logger });
  apps.push(app);
  const esp = async (method: string, parameters: Record<string, string>): Promise<Reply> => {
    const response = await fetch(`${url}/esp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Service: 'Chat', Method: method, Parameters: parameters, UserData: {} }),
    });
    return { status: response.status, body: (await response.json()) as Reply['body'] };
  };
  return { esp, sessionId: party.sessionId, owner: async () => (await ownership.owner(party.sessionId))?.nodeId };
}

describe('ESP GetSessionInfo InduceRestore over HTTP', () => {
  it('with session-restore-extend-by=esp, restores the session of a lost node on the node asked; without InduceRestore it only looks', async () => {
    const { esp, owner } = await lostSession('esp');
    const looked = await esp('GetSessionInfo', { InteractionId: 'IXN-1' });
    expect(looked).toMatchObject({ status: 404, body: { Event: 'Event3rdServerFault', FaultCode: 3 } });
    expect(await owner()).toBe('A');

    const induced = await esp('GetSessionInfo', { InteractionId: 'IXN-1', InduceRestore: 'true' });
    expect(induced.status).toBe(200);
    expect(induced.body.Parameters?.SessionInfo).toMatchObject({ IsRestored: '1' });
    expect(await owner()).toBe('B');
    expect((await esp('GetSessionInfo', { InteractionId: 'IXN-1' })).body.Parameters?.SessionInfo).toMatchObject({ IsRestored: '1' });
  });

  it('with esp, any other method restores the session too', async () => {
    const { esp, owner } = await lostSession('esp');
    expect((await esp('Message', { InteractionId: 'IXN-1', MessageText: 'back again' })).status).toBe(200);
    expect(await owner()).toBe('B');
  });

  it('with session-restore-extend-by=none (default), InduceRestore fails as the session is not held here, and restores nothing', async () => {
    const { esp, owner } = await lostSession('none');
    for (const [method, parameters] of [
      ['GetSessionInfo', { InteractionId: 'IXN-1', InduceRestore: 'true' }],
      ['Message', { InteractionId: 'IXN-1', MessageText: 'anyone?' }],
    ] as const) {
      const reply = await esp(method, parameters);
      expect(reply).toMatchObject({ status: 404, body: { Event: 'Event3rdServerFault', FaultCode: 3 } });
      expect(reply.body.FaultString).toContain('not held by this node');
    }
    expect(await owner()).toBe('A');
  });

  it('refuses an InduceRestore that is neither true nor false, and an unknown interaction, before anything changes', async () => {
    const { esp, owner } = await lostSession('esp');
    const bad = await esp('GetSessionInfo', { InteractionId: 'IXN-1', InduceRestore: 'yes' });
    expect(bad).toMatchObject({ status: 400, body: { Event: 'Event3rdServerFault' } });
    expect(bad.body.FaultString).toContain('InduceRestore');
    expect((await esp('GetSessionInfo', { InteractionId: 'IXN-404', InduceRestore: 'true' })).body).toMatchObject({ FaultCode: 3 });
    expect(await owner()).toBe('A');
  });
});
