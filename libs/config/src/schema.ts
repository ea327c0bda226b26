import { z } from 'zod';
import { chatSections, languageSchema } from './chat-sections';
import { ConfigError } from './config-error';
import { deploymentSections } from './deployment-sections';
import { maskingSections } from './masking-sections';
import { queueSchema, routingSections } from './routing-sections';
import { camelKeys, isMap, openSection, text, type DeepReadonly } from './option-types';

type Issue = z.ZodError['issues'][number];
const sectionsSchema = z.strictObject({ ...chatSections, ...maskingSections, ...deploymentSections, ...routingSections }).transform(camelKeys);

const ENDPOINTS_SECTION = /^endpoints:\d+$/;
const LANGUAGE_SECTION = /^language:(.+)$/;
const languageSectionsSchema = z.record(z.string(), languageSchema);
const QUEUE_SECTION = /^queue:(.+)$/;
const queueSectionsSchema = z.record(z.string(), queueSchema);
/** All `[endpoints:<tenant dbid>]` sections, keyed by tenant dbid in the result. */
const endpointSectionsSchema = z
  .record(z.string(), openSection(text(/\S/, 'expected a queue name'), 'expected a map of endpoint name to queue name'))
  .transform((sections): Record<number, Record<string, string>> =>
    Object.fromEntries(Object.entries(sections).map(([name, endpoints]) => [Number(name.slice('endpoints:'.length)), endpoints])),
  );

/** Entries of open sections that stay unless the configuration sets the same name. */
const DEFAULT_ENTRIES: Readonly<Record<string, Record<string, string>>> = {
  services: { 'customer-support': '1:default' },
  'endpoints:1': { default: 'chat_inbound' },
};

export type LanguageConfig = z.output<typeof languageSchema> & { name: string };
/** A `[queue:<name>]` section, with its name. */
export type QueueSectionConfig = z.output<typeof queueSchema> & { name: string };
export type ChatServerConfig = DeepReadonly<
  z.output<typeof sectionsSchema> & { endpoints: z.output<typeof endpointSectionsSchema>; languages: LanguageConfig[]; queues: QueueSectionConfig[] }
>;

/** The shared secrets of cluster mode: `[cluster] internal-secret` (engine RPC, drain) and `[server] esp-secret` (ESP). */
export const CLUSTER_SECRETS = ['internal-secret', 'esp-secret'] as const;
export type ClusterSecret = (typeof CLUSTER_SECRETS)[number];

/**
 * Validates a configuration document (sections of options) and returns the frozen configuration. In cluster mode
 * the secrets named by `clusterSecrets` (those the process uses; default both) are required.
 */
export function parseConfig(document: Readonly<Record<string, unknown>>, clusterSecrets: readonly ClusterSecret[] = CLUSTER_SECRETS): ChatServerConfig {
  const merged: Record<string, unknown> = { ...document };
  for (const [name, entries] of Object.entries(DEFAULT_ENTRIES)) {
    const configured = document[name];
    merged[name] = configured == null ? entries : isMap(configured) ? { ...entries, ...configured } : configured;
  }
  const endpointNames = Object.keys(merged).filter((name) => ENDPOINTS_SECTION.test(name));
  const languageNames = Object.keys(merged).filter((name) => LANGUAGE_SECTION.test(name));
  const queueNames = Object.keys(merged).filter((name) => QUEUE_SECTION.test(name));
  const pick = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, merged[name]]));
  const sections = sectionsSchema.safeParse(
    pick(Object.keys(merged).filter((name) => !endpointNames.includes(name) && !languageNames.includes(name) && !queueNames.includes(name))),
  );
  const endpoints = endpointSectionsSchema.safeParse(pick(endpointNames));
  const languages = languageSectionsSchema.safeParse(pick(languageNames));
  const queues = queueSectionsSchema.safeParse(pick(queueNames));
  if (!sections.success || !endpoints.success || !languages.success || !queues.success) {
    throw new ConfigError([sections, endpoints, languages, queues].flatMap((result) => result.error?.issues ?? []).flatMap(describe));
  }
  const missing = clusterSecretsMissing(sections.data, clusterSecrets);
  if (missing.length > 0) throw new ConfigError(missing);
  const languageList = Object.entries(languages.data).map(([section, language]) => ({ ...language, name: section.slice('language:'.length) }));
  const queueList = Object.entries(queues.data).map(([section, queue]) => ({ ...queue, name: section.slice('queue:'.length) }));
  return deepFreeze({ ...sections.data, endpoints: endpoints.data, languages: languageList, queues: queueList });
}

/** In cluster mode the internal surfaces listen beyond the process: each needs its secret. */
function clusterSecretsMissing(config: z.output<typeof sectionsSchema>, used: readonly ClusterSecret[]): string[] {
  if (config.cluster.mode !== 'cluster') return [];
  const needed = [
    used.includes('internal-secret') &&
      config.cluster.internalSecret === undefined &&
      '[cluster] internal-secret (engine RPC and drain; OCS__cluster__internal-secret)',
    used.includes('esp-secret') && config.server.espSecret === undefined && '[server] esp-secret (ESP; OCS__server__esp-secret)',
  ];
  return needed.filter((name) => name !== false).map((name) => `missing option ${name}: required in cluster mode, a secret of at least 32 characters`);
}

function describe(issue: Issue): string[] {
  const [section, ...inside] = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      section === undefined ? `unknown section [${key}]` : `unknown option [${String(section)}] ${optionName([...inside, key])}`,
    );
  }
  return [
    inside.length === 0
      ? `invalid section [${String(section)}]: ${issue.message}`
      : `invalid option [${String(section)}] ${optionName(inside)}: ${issue.message}`,
  ];
}

/** `tokens[0].secret` from the path inside a section. */
function optionName(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

/**
 * Largest request a client may send (HTTP body or WebSocket frame): room for a text of `message-max-size` bytes
 * with JSON or form escaping, user data and event attributes around it.
 */
export function maxRequestBytes(config: ChatServerConfig): number {
  return 4 * config.settings.messageMaxSize + 64 * 1024;
}
