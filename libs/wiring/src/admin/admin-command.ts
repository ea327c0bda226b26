import { ConfigError, loadConfig, type ChatServerConfig, type ClusterSecret } from '@ocs/config';
import { parseArgs } from 'node:util';
import { PiiRulesCommandError, runPiiRulesCommand } from '../pii-rules-command';
import { AdminCommandError, type AdminOutput } from './admin-output';
import { drainNode, listSessions, sessionCommand } from './cluster-commands';
import { checkConfigFile, importGenesysFile } from './config-commands';
import { readCounters } from './counters-command';
import { applySchemaCommand, upgradeSchemaCommand } from './schema-command';

export { AdminCommandError, type AdminOutput } from './admin-output';

export const ADMIN_USAGE = `usage: admin <command> [--config <file>]
  config check <file>                           check a configuration file, every problem with its option
  config import-genesys <file.ini> [--out <f>]  a Genesys Chat Server options export as this product's configuration
  sessions list [--node <id>] [--json]          the sessions each alive session engine holds
  session show <id>                             a session's state, from the node that owns it
  session close <id>                            close a session (its node ends it as a workflow would)
  drain <node id>                               the node takes no new session (before scaling it down)
  counters [--node <id>] [--content all|new|set] [--reset] [--metadata] [--prometheus] [--gms-info] [--raw]
                                                the KPI counters of each session engine (GET /Counters on its health
                                                port) as a table, or one node's answer as it is (--raw)
  schema apply [--replication-factor <n> | --datacenters <dc>=<n>,...]
                                                create the Cassandra keyspace and tables of the configuration
  schema upgrade                                add to the existing keyspace the tables and columns this release needs
  pii-rules show|put|remove <tenant> [file]     the PII rule sets in UCS
Commands on a running cluster read its configuration (--config / OCS_CONFIG / OCS__*): [cluster] mode=cluster,
[redis] url and key-prefix, [cluster] internal-secret. counters reads the health port each node publishes in the
cluster's membership; embedded, the configuration's [server] health-host (else host) and health-port.`;

/** The configuration the commands on a running product connect with; a bad one is refused naming each option. */
function productConfig(configFile: string | undefined, clusterSecrets: readonly ClusterSecret[]): ChatServerConfig {
  try {
    return loadConfig({ argv: configFile === undefined ? [] : ['--config', configFile], clusterSecrets });
  } catch (error) {
    if (error instanceof ConfigError) throw new AdminCommandError(`invalid configuration\n${error.message}`);
    throw error;
  }
}

/** Runs one admin command line (without `node admin.js`): what to print, or AdminCommandError. */
export async function runAdminCommand(argv: readonly string[], cwd = process.cwd()): Promise<AdminOutput> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        out: { type: 'string' },
        node: { type: 'string' },
        json: { type: 'boolean' },
        content: { type: 'string' },
        reset: { type: 'boolean' },
        metadata: { type: 'boolean' },
        prometheus: { type: 'boolean' },
        'gms-info': { type: 'boolean' },
        raw: { type: 'boolean' },
        'replication-factor': { type: 'string' },
        datacenters: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new AdminCommandError(`${error instanceof Error ? error.message : String(error)}\n${ADMIN_USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, sub, arg, ...rest] = positionals;
  if (values.help || command === undefined) return { text: ADMIN_USAGE };
  const needs = (value: string | undefined, what: string): string => {
    if (value === undefined || rest.length > 0) throw new AdminCommandError(`${[command, sub].filter(Boolean).join(' ')} needs ${what}\n${ADMIN_USAGE}`);
    return value;
  };
  switch (command) {
    case 'config':
      if (sub === 'check') return checkConfigFile(needs(arg, 'one <file>'), cwd);
      if (sub === 'import-genesys') return importGenesysFile(needs(arg, 'one <file.ini>'), values.out);
      break;
    case 'sessions':
      if (sub === 'list' && arg === undefined) return listSessions(productConfig(values.config, ['internal-secret']), values.node, values.json === true);
      break;
    case 'session':
      if (sub === 'show' || sub === 'close') return sessionCommand(productConfig(values.config, ['internal-secret']), sub, needs(arg, 'a session id'));
      break;
    case 'drain':
      if (sub !== undefined && arg === undefined) return drainNode(productConfig(values.config, ['internal-secret']), sub);
      throw new AdminCommandError(`drain needs one node id\n${ADMIN_USAGE}`);
    case 'counters':
      if (sub === undefined) {
        const options = {
          content: values.content,
          reset: !!values.reset,
          metadata: !!values.metadata,
          prometheus: !!values.prometheus,
          gmsInfo: !!values['gms-info'],
        };
        return readCounters(productConfig(values.config, []), values.node, options, values.raw === true);
      }
      break;
    case 'schema':
      if (sub === 'apply' && arg === undefined) return applySchemaCommand(productConfig(values.config, []), values['replication-factor'], values.datacenters);
      if (sub === 'upgrade' && arg === undefined) return upgradeSchemaCommand(productConfig(values.config, []));
      break;
    case 'pii-rules':
      try {
        return { text: await runPiiRulesCommand(positionals.slice(1), productConfig(values.config, [])) };
      } catch (error) {
        if (error instanceof PiiRulesCommandError) throw new AdminCommandError(error.message);
        throw error;
      }
  }
  throw new AdminCommandError(`unknown command ${JSON.stringify(positionals.join(' ').slice(0, 80))}\n${ADMIN_USAGE}`);
}
