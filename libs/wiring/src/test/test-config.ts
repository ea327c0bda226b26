import { loadConfig, type ChatServerConfig } from '@ocs/config';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The configuration of an embedded product under test: every port chosen by the system, data in a fresh temporary
 * directory, on 127.0.0.1; `env` adds or overrides options (`OCS__section__option`).
 */
export function testConfig(env: Record<string, string> = {}): ChatServerConfig {
  const ports = ['webapi', 'esp', 'engine', 'reporting', 'push'].map((p) => [`OCS__server__${p}-port`, '0']);
  return loadConfig({
    argv: [],
    env: { ...Object.fromEntries(ports), OCS__server__host: '127.0.0.1', 'OCS__server__data-dir': mkdtempSync(join(tmpdir(), 'ocs-test-')), ...env },
  });
}
