import { loadConfig } from '@ocs/config';
import { createLogger } from '@ocs/observability';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Writable } from 'node:stream';
import { join } from 'node:path';
import { until } from '@ocs/testing';
import { logHygieneFromConfig, startEmbedded, type Embedded } from '@ocs/wiring';

export const AGENT_TOKEN = 'desk-secret-0123456789';

export interface TestProduct {
  embedded: Embedded;
  /** Base URL of the customer and agent API. */
  gateway: string;
  agentUrl: string;
  /** Base URL of the esp-gateway (with the router in the embedded mode). */
  esp: string;
}

/**
 * The embedded product as API tests drive it: every port chosen by the system, data in a fresh temporary
 * directory, an agent token, silent logs (or lines from `level` on written to `logs`, warnings by default); `env` adds or overrides options
 * (`OCS__section__option`).
 */
export async function startTestProduct(env: Record<string, string> = {}, logs?: Writable, level: 'warn' | 'debug' = 'warn'): Promise<TestProduct> {
  const ports = ['webapi', 'esp', 'engine', 'reporting', 'push'].map((p) => [`OCS__server__${p}-port`, '0']);
  const config = loadConfig({
    argv: [],
    env: {
      ...Object.fromEntries(ports),
      'OCS__server__data-dir': mkdtempSync(join(tmpdir(), 'ocs-test-')),
      'OCS__agent-api__tokens': JSON.stringify([{ name: 'desk', secret: AGENT_TOKEN, 'user-types': ['AGENT', 'SUPERVISOR'] }]),
      // The tests play routing by hand through the router surface (TestRouter), unless one asks for the built-in.
      OCS__routing__mode: 'manual',
      ...env,
    },
  });
  const embedded = await startEmbedded(config, (service) =>
    createLogger({ service, level: logs ? level : 'silent', hygiene: logHygieneFromConfig(config) }, logs),
  );
  const gateway = embedded.urls['webapi-gateway'];
  return { embedded, gateway, agentUrl: `${gateway.replace(/^http/, 'ws')}${config.server.agentWsPath}`, esp: embedded.urls['esp-gateway'] };
}

/**
 * Routing as a desktop meets it in the all-in-one: the router's take answers a ready `join` carrying the session
 * password. The first join of a session takes its interaction; a later one (a conference, a coach) is the join
 * routing hands on with an invitation, carrying the same password.
 */
export class TestRouter {
  private readonly joins = new Map<string, { type: 'join'; sessionId: string; userData: Record<string, string> }>();
  private readonly interactions = new Map<string, string>();

  constructor(private readonly esp: string) {}

  /** The join for `sessionId`, with `extra` fields (visibility, user data) added. */
  async join(sessionId: string, extra: { visibility?: string; userData?: Record<string, string> } = {}): Promise<Record<string, unknown>> {
    const join = this.joins.get(sessionId) ?? (await this.take(sessionId));
    return { ...join, ...extra, userData: { ...join.userData, ...extra.userData } };
  }

  /** The interaction routing took for `sessionId` (after `join`), as a workflow names it in ESP requests. */
  interactionId(sessionId: string): string {
    const id = this.interactions.get(sessionId);
    if (id === undefined) throw new Error(`session ${sessionId} was not taken by routing yet`);
    return id;
  }

  private async take(sessionId: string): Promise<{ type: 'join'; sessionId: string; userData: Record<string, string> }> {
    const waiting = await until(async () => {
      const queues = (await (await fetch(`${this.esp}/router/queues`)).json()) as Array<{ queue: string }>;
      for (const { queue } of queues) {
        const list = (await (await fetch(`${this.esp}/router/queues/${queue}/interactions`)).json()) as Array<{ interactionId: string; sessionId: string }>;
        const found = list.find((i) => i.sessionId === sessionId);
        if (found) return found;
      }
      return undefined;
    }, `the interaction of session ${sessionId} in a queue`);
    const taken = (await (await fetch(`${this.esp}/router/interactions/${waiting.interactionId}/take`, { method: 'POST' })).json()) as {
      join: { type: 'join'; sessionId: string; userData: Record<string, string> };
    };
    this.joins.set(sessionId, taken.join);
    this.interactions.set(sessionId, waiting.interactionId);
    return taken.join;
  }

  /** The interaction of a session this router handed an agent. */
  interactionOf(sessionId: string): string | undefined {
    return this.interactions.get(sessionId);
  }
}
