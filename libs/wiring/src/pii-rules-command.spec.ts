import { applySchema, connectCassandra } from '@ocs/adapters-cassandra';
import { loadConfig, type ChatServerConfig } from '@ocs/config';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_CLUSTER_SECRETS } from '@ocs/testing';
import { runPiiRulesCommand } from './pii-rules-command';

const dir = mkdtempSync(join(tmpdir(), 'ocs-pii-rules-'));
const RULES = [{ id: 'R-1', name: 'Orders', description: 'order numbers', regex: String.raw`ORD-\d{6}`, spec: 'digits:2' }];

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The command's whole use, on the store of `config`. */
async function roundTrip(config: ChatServerConfig, tenant: string): Promise<void> {
  expect(await runPiiRulesCommand(['show', tenant], config)).toBe(`tenant ${tenant} has no PII rule set in UCS`);
  expect(await runPiiRulesCommand(['put', tenant, file('rules.json', RULES)], config)).toBe(
    `stored 1 PII rules for tenant ${tenant}; session engines use it within 60 s`,
  );
  expect(JSON.parse(await runPiiRulesCommand(['show', tenant], config))).toEqual(RULES);
  expect(await runPiiRulesCommand(['remove', tenant], config)).toBe(`removed the PII rule set of tenant ${tenant}; session engines use it within 60 s`);
  expect(await runPiiRulesCommand(['show', tenant], config)).toBe(`tenant ${tenant} has no PII rule set in UCS`);
}

describe('pii-rules command', () => {
  const embedded = loadConfig({ argv: [], env: { 'OCS__server__data-dir': dir } });

  it('shows, stores and removes a tenant’s set in the embedded UCS', async () => {
    await roundTrip(embedded, '7');
  });

  it.each<[string, string[], RegExp]>([
    ['no command', [], /^usage:/],
    ['an unknown command', ['drop', '1'], /^usage:/],
    ['a tenant that is no number', ['show', 'one'], /tenant dbid must be a whole number, not "one"/],
    ['put without a file', ['put', '1'], /put needs a file of rules/],
    ['a file that is not JSON', ['put', '1', 'NOT JSON'], /Unexpected token|not valid JSON/],
    ['a file that is no list', ['put', '1', '{"id":"R"}'], /expected a JSON list of rules/],
    [
      'a rule that does not compile, naming it',
      ['put', '1', '[{"id":"R-9","name":"Broken","regex":"("}]'],
      /rule 1 \(id "R-9", name "Broken"\): invalid regular expression/,
    ],
    ['a rule without its regex', ['put', '1', '[{"id":"R-9","name":"No regex"}]'], /rule 1: expected a text for regex/],
  ])('refuses %s, saying what is wrong, and stores nothing', async (_, args, problem) => {
    const given = args[0] === 'put' && args[2] !== undefined ? ['put', args[1], file(`bad-${randomBytes(3).toString('hex')}.json`, args[2])] : args;
    await expect(runPiiRulesCommand(given, embedded)).rejects.toThrow(problem);
    expect(await runPiiRulesCommand(['show', '1'], embedded)).toBe('tenant 1 has no PII rule set in UCS');
  });

  const cassandra = process.env.OCS_TEST_CASSANDRA;
  if (!cassandra && (process.env.CI || process.env.OCS_REQUIRE_SERVICES)) throw new Error('OCS_TEST_CASSANDRA is not set: the cluster half needs it');
  (cassandra ? it : it.skip)(
    'shows, stores and removes a tenant’s set in the cluster’s Cassandra',
    async () => {
      const [host, port] = (cassandra ?? '').split(':');
      const keyspace = `ocs_test_${randomBytes(6).toString('hex')}`;
      const admin = await connectCassandra({ contactPoints: [host], port: Number(port), keyspace });
      try {
        await applySchema(admin.client, { keyspace, replication: { class: 'SimpleStrategy', replication_factor: 1 } });
        const env = {
          ...TEST_CLUSTER_SECRETS,
          OCS__cluster__mode: 'cluster',
          OCS__cassandra__contact_points: host,
          OCS__cassandra__port: port,
          OCS__cassandra__keyspace: keyspace,
        };
        await roundTrip(loadConfig({ argv: [], env: { ...env, OCS__kafka__brokers: '127.0.0.1:1', OCS__redis__url: 'redis://127.0.0.1:1' } }), '8');
      } finally {
        await admin.client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
        await admin.client.shutdown();
      }
    },
    60_000,
  );
});
