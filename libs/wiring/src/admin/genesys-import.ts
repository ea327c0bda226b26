import { ConfigError, parseConfig } from '@ocs/config';

/** One `option=value` of a Genesys application's options export, where it stood. */
export interface IniOption {
  section: string;
  option: string;
  value: string;
  line: number;
}

/** An option the import leaves out, and why. */
export interface Unsupported extends IniOption {
  reason: string;
}

export interface GenesysImport {
  /** This product's configuration: the options it has, values as numbers and booleans where they read as such. */
  config: Record<string, Record<string, string | number | boolean>>;
  unsupported: Unsupported[];
}

/** A line of the export that is neither a section, an option, a comment nor blank. */
export class IniSyntaxError extends Error {}

/**
 * Reads the text Configuration Manager exports of an application's options: `[section]` headers and
 * `option=value` lines (value as written, spaces around the `=` ignored), `;` and `#` comments.
 */
export function parseIni(text: string): IniOption[] {
  const options: IniOption[] = [];
  let section: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) return void (section = header[1].trim());
    const equals = line.indexOf('=');
    if (equals <= 0) throw new IniSyntaxError(`line ${index + 1}: expected [section] or option=value, got ${JSON.stringify(line.slice(0, 80))}`);
    if (section === undefined) throw new IniSyntaxError(`line ${index + 1}: option ${line.slice(0, equals).trim()} comes before any [section]`);
    options.push({ section, option: line.slice(0, equals).trim(), value: line.slice(equals + 1).trim(), line: index + 1 });
  });
  return options;
}

/** Genesys options this product knows of but does not take, with the reason. */
const KNOWN_REASONS: ReadonlyArray<[RegExp, RegExp, string]> = [
  [
    /^log$/,
    /^(verbose|all|standard|trace|debug|interaction|segment|expire|time-format|time-convert|keep-startup-file|buffering|spool|message-format|messagefile|check-point|memory.*|x-.*)$/,
    'logs are JSON lines on standard output, kept by the platform: only [log] level applies',
  ],
  [/^log-extended$/, /.*/, 'log levels per event id are not configurable: [log] level applies to all'],
  [/^log-filter(-data)?$/, /.*/, 'log content is masked by [log] hygiene options and the PII rules, not by log-filter'],
  [/^(backup-server|ha|hca|sml)$/, /.*/, 'primary/backup pairs are replaced by N+1 session engines (docs/operations.md, cluster mode)'],
  [
    /^(endpoints|transport|connection|tls)$/,
    /^(port|tls|certificate.*|trusted-ca.*|protocol.*)$/,
    'listening addresses and ports are [server] options of each service (webapi-port, esp-port, …)',
  ],
];

function reasonFor(section: string, option: string, problem: string): string {
  for (const [s, o, reason] of KNOWN_REASONS) if (s.test(section) && o.test(option)) return reason;
  if (problem.startsWith('unknown section')) return `no section [${section}] in this product (docs/configuration.md lists its sections)`;
  if (problem.startsWith('unknown option')) return `not an option of [${section}] in this product (docs/configuration.md lists its options)`;
  return problem;
}

/** A value as YAML would give it: whole numbers and true/false typed, the rest as written. */
function typed(value: string): string | number | boolean {
  if (/^-?\d{1,15}$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

/**
 * The export as this product's configuration, checked whole by the product's schema: an option it names as unknown or
 * refused is left out and listed with the reason, and the rest checked again until the schema accepts it all.
 */
export function importGenesysOptions(options: readonly IniOption[]): GenesysImport {
  let kept = options.map((entry) => ({ ...entry, typed: typed(entry.value) }));
  const unsupported: Unsupported[] = [];
  for (;;) {
    const problems = problemsOf(documentOf(kept));
    if (problems.length === 0) break;
    const refused = new Map<(typeof kept)[number], string>();
    for (const problem of problems) {
      const named = kept.filter(
        (e) =>
          problem.startsWith(`unknown section [${e.section}]`) ||
          problem.startsWith(`invalid section [${e.section}]`) ||
          new RegExp(`^(unknown|invalid) option \\[${escape(e.section)}\\] ${escape(e.option)}(:|$|\\[|\\.)`).test(problem),
      );
      // A rule across options of one section (no option named): the section's options go.
      const targets = named.length > 0 ? named : kept.filter((e) => problem.includes(`[${e.section}]`));
      if (targets.length === 0) throw new Error(`the schema refused the import without naming an option of it: ${problem}`);
      for (const entry of targets) if (!refused.has(entry)) refused.set(entry, problem);
    }
    for (const [entry, problem] of refused)
      unsupported.push({
        section: entry.section,
        option: entry.option,
        value: entry.value,
        line: entry.line,
        reason: reasonFor(entry.section, entry.option, problem),
      });
    kept = kept.filter((entry) => !refused.has(entry));
  }
  unsupported.sort((a, b) => a.line - b.line);
  return { config: documentOf(kept), unsupported };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function documentOf(entries: ReadonlyArray<IniOption & { typed: string | number | boolean }>): GenesysImport['config'] {
  const config: GenesysImport['config'] = {};
  for (const entry of entries) (config[entry.section] ??= {})[entry.option] = entry.typed;
  return config;
}

function problemsOf(document: Record<string, unknown>): readonly string[] {
  try {
    parseConfig(document, []);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
