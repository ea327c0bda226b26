import { loadConfig } from '@ocs/config';
import { createLogger } from '@ocs/observability';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Writable } from 'node:stream';
import { join } from 'node:path';
import { startEmbedded, type Embedded } from '@ocs/wiring';

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
 * directory, an agent token, silent logs (or warnings and worse written to `logs`); `env` adds or overrides options
 * (`OCS__section__option`).
 */
export async function startTestProduct(env: Record<string, string> = {}, logs?: Writable): Promise<TestProduct> {
  const ports = ['webapi', 'esp', 'engine', 'reporting', 'push'].map((p) => [`OCS__server__${p}-port`, '0']);
  const config = loadConfig({
    argv: [],
    env: {
      ...Object.fromEntries(ports),
      'OCS__server__data-dir': mkdtempSync(join(tmpdir(), 'ocs-test-')),
      'OCS__agent-api__tokens': JSON.stringify([{ name: 'desk', secret: AGENT_TOKEN, 'user-types': ['AGENT', 'SUPERVISOR'] }]),
      ...env,
    },
  });
  const embedded = await startEmbedded(config, (service) => createLogger({ service, level: logs ? 'warn' : 'silent' }, logs));
  const gateway = embedded.urls['webapi-gateway'];
  return { embedded, gateway, agentUrl: `${gateway.replace(/^http/, 'ws')}${config.server.agentWsPath}`, esp: embedded.urls['esp-gateway'] };
}
