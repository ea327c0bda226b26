import { CassandraUcs, connectCassandra } from '@ocs/adapters-cassandra';
import { FilePiiRules, filePiiRulesDirectory } from '@ocs/adapters-file';
import { PiiRuleError, compilePiiRules, type PiiRuleConfig } from '@ocs/chat-domain';
import type { ChatServerConfig } from '@ocs/config';
import type { UniversalContactServer } from '@ocs/ports';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { cassandraOptionsFromConfig, piiDefaults } from './config-to-options';

type PiiRuleStore = Pick<UniversalContactServer, 'getPiiRules' | 'savePiiRules'>;

export const PII_RULES_USAGE = `usage:
  pii-rules show <tenant dbid>               print the tenant's rule set in UCS (JSON), or say there is none
  pii-rules put <tenant dbid> <rules.json>   store the ordered rules of the file as the tenant's set
  pii-rules remove <tenant dbid>             remove the tenant's set (the fallback rules apply again)`;

/** A mistake in the command line or the rules given: the message says what to change. */
export class PiiRulesCommandError extends Error {}

/**
 * The operator's command for the PII rule sets UCS holds per tenant (`[transcript-cleanup] apply-config` ucs or
 * mix): the UCS of the configuration's mode, the embedded file UCS under `[server] data-dir` or the cluster's
 * Cassandra. Rules are checked before they are stored, so a set stored this way has no rule the engines would leave
 * out. Answers what to print.
 */
export async function runPiiRulesCommand(args: readonly string[], config: ChatServerConfig): Promise<string> {
  const [command, tenantText, file] = args;
  if (!command || !['show', 'put', 'remove'].includes(command) || tenantText === undefined) throw new PiiRulesCommandError(PII_RULES_USAGE);
  const tenant = Number(tenantText);
  if (!/^\d{1,9}$/.test(tenantText)) throw new PiiRulesCommandError(`tenant dbid must be a whole number, not ${JSON.stringify(tenantText)}`);
  const rules = command === 'put' ? await readRules(file, config) : undefined;
  const { store, close } = await openStore(config);
  try {
    if (command === 'show') {
      const stored = await store.getPiiRules(tenant);
      return stored === undefined ? `tenant ${tenant} has no PII rule set in UCS` : JSON.stringify(stored, null, 2);
    }
    await store.savePiiRules(tenant, rules);
    const when = `session engines use it within ${config.transcriptCleanup.ucsRefreshInterval} s`;
    return rules ? `stored ${rules.length} PII rules for tenant ${tenant}; ${when}` : `removed the PII rule set of tenant ${tenant}; ${when}`;
  } finally {
    await close();
  }
}

async function readRules(file: string | undefined, config: ChatServerConfig): Promise<PiiRuleConfig[]> {
  if (file === undefined) throw new PiiRulesCommandError(`put needs a file of rules\n${PII_RULES_USAGE}`);
  let rules: unknown;
  try {
    rules = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new PiiRulesCommandError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(rules)) throw new PiiRulesCommandError(`${file}: expected a JSON list of rules ({ id, name, description, regex, spec, repchar })`);
  try {
    compilePiiRules(rules as PiiRuleConfig[], piiDefaults(config));
  } catch (error) {
    if (error instanceof PiiRuleError) throw new PiiRulesCommandError(`${file}: ${error.message}`);
    throw error;
  }
  return rules as PiiRuleConfig[];
}

async function openStore(config: ChatServerConfig): Promise<{ store: PiiRuleStore; close: () => Promise<void> }> {
  if (config.cluster.mode === 'embedded') {
    const rules = new FilePiiRules(filePiiRulesDirectory(resolve(config.server.dataDir, 'ucs')));
    const store: PiiRuleStore = { getPiiRules: (tenant) => rules.get(tenant), savePiiRules: (tenant, set) => rules.save(tenant, set) };
    return { store, close: async () => undefined };
  }
  const cassandra = await connectCassandra(cassandraOptionsFromConfig(config));
  return { store: new CassandraUcs(cassandra), close: () => cassandra.client.shutdown() };
}
