import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import YAML from 'yaml';
import { ConfigError } from './config-error';
import { isMap } from './option-types';
import { ChatServerConfig, parseConfig, type ClusterSecret } from './schema';

type Env = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /** Command-line arguments; `--config <path>` or `--config=<path>` names the file. Default: `process.argv`. */
  readonly argv?: readonly string[];
  /** `OCS_CONFIG` names the file when argv does not; `OCS__<section>__<option>` overrides one option. Default: `process.env`. */
  readonly env?: Env;
  /** Base of a relative file path. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** The cluster secrets the process uses, required in cluster mode. Default: both (a process that runs every service). */
  readonly clusterSecrets?: readonly ClusterSecret[];
}

const ENV_PREFIX = 'OCS__';
const OPEN_SECTION = /^(services|endpoints:\d+)$/;

/**
 * Reads the configuration file (YAML, or JSON by `.json` extension; none = all defaults), applies the
 * `OCS__<section>__<option>` environment overrides and validates the result.
 * @throws ConfigError naming every bad, unknown or unreadable option, and every command-line flag but `--config`.
 */
export function loadConfig({ argv = process.argv, env = process.env, cwd = process.cwd(), clusterSecrets }: LoadConfigOptions = {}): ChatServerConfig {
  const path = configPath(argv, env);
  const document = path === undefined ? {} : readDocument(resolve(cwd, path));
  return parseConfig(applyEnvOverrides(document, env), clusterSecrets);
}

function configPath(argv: readonly string[], env: Env): string | undefined {
  const unknown = argv.filter((arg, at) => arg.startsWith('-') && arg !== '--config' && !arg.startsWith('--config=') && argv[at - 1] !== '--config');
  if (unknown.length > 0) throw new ConfigError(unknown.map((flag) => `unknown command-line flag ${JSON.stringify(flag)}: the one flag is --config <file>`));
  const i = argv.findIndex((arg) => arg === '--config' || arg.startsWith('--config='));
  if (i < 0) return env.OCS_CONFIG || undefined;
  const path = argv[i] === '--config' ? argv[i + 1] : argv[i].slice('--config='.length);
  if (!path) throw new ConfigError(['--config needs a file path']);
  return path;
}

function readDocument(path: string): Record<string, unknown> {
  let document: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    document = extname(path) === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new ConfigError([`cannot read configuration file ${path}: ${reason(e)}`]);
  }
  if (document == null) return {};
  if (!isMap(document)) throw new ConfigError([`configuration file ${path}: expected a map of sections`]);
  return document;
}

/**
 * `OCS__settings__flex-disconnect-timeout=60` sets that option; a name without option part replaces the section.
 * Shells do not allow `-` or `:` in variable names, so `_` may stand for them: `OCS__settings__flex_disconnect_timeout`,
 * `OCS__agent_api__tokens`, `OCS__endpoints_1__default`, `OCS__language_Spanish__message_alert`, `OCS__queue_sales__offer_timeout`. Names in open
 * sections (services, endpoints), language and queue names stay as written. GMS's dotted `[push]` names take `_` for the dot too:
 * `OCS__push__customhttp_url` sets `customhttp.url`.
 */
/** `language:<name>` or `language_<name>`: the section of a language, its name as written. */
const LANGUAGE_ENV = /^language[:_](.+)$/;
/** `queue:<name>` or `queue_<name>`: the section of a routing queue, its name as written. */
const QUEUE_ENV = /^queue[:_](.+)$/;

function applyEnvOverrides(document: Record<string, unknown>, env: Env) {
  const result = { ...document };
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const [rawSection, rawOption] = splitOnce(name.slice(ENV_PREFIX.length), '__');
    const language = LANGUAGE_ENV.exec(rawSection);
    const queue = QUEUE_ENV.exec(rawSection);
    const section = language
      ? `language:${language[1]}`
      : queue
        ? `queue:${queue[1]}`
        : rawSection.replace(/^endpoints_(\d+)$/, 'endpoints:$1').replaceAll('_', '-');
    const option = rawOption === undefined || OPEN_SECTION.test(section) ? rawOption : optionName(section, rawOption);
    const current = result[section];
    result[section] = option === undefined ? value : { ...(isMap(current) ? current : {}), [option]: value };
  }
  return result;
}

function optionName(section: string, raw: string): string {
  const option = raw.replaceAll('_', '-');
  return section === 'push' ? option.replace(/^customhttp-/, 'customhttp.') : option;
}

/** The message of an error, also of one from another realm (as the fs errors seen under jest). */
function reason(e: unknown): string {
  return typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e);
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + separator.length)];
}
