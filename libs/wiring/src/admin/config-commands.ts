import { ConfigError, loadConfig } from '@ocs/config';
import { readFile, writeFile } from 'node:fs/promises';
import YAML from 'yaml';
import { AdminCommandError, type AdminOutput } from './admin-output';
import { IniSyntaxError, importGenesysOptions, parseIni } from './genesys-import';

/**
 * `config check <file>`: the file as the services read it (without the environment's overrides), every problem with
 * its option named. Cluster secrets are not asked of it: they come from Secrets or the environment, not the file.
 */
export function checkConfigFile(file: string, cwd: string): AdminOutput {
  try {
    loadConfig({ argv: ['--config', file], env: {}, cwd, clusterSecrets: [] });
    return { text: `${file}: valid` };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { text: [`${file}: ${error.problems.length} problem(s)`, ...error.problems.map((p) => `  ${p}`)].join('\n'), failed: true };
  }
}

/**
 * `config import-genesys <file.ini> [--out <file.yaml>]`: a Genesys Chat Server application's options as
 * Configuration Manager exports them, as this product's configuration file (YAML), with every option left out and
 * why. Without `--out` the file goes to standard output and the list to standard error.
 */
export async function importGenesysFile(file: string, out: string | undefined): Promise<AdminOutput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AdminCommandError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let imported;
  try {
    imported = importGenesysOptions(parseIni(text));
  } catch (error) {
    if (error instanceof IniSyntaxError) throw new AdminCommandError(`${file}: ${error.message}`);
    throw error;
  }
  const kept = Object.values(imported.config).reduce((n, options) => n + Object.keys(options).length, 0);
  const report = [
    `imported ${kept} option(s) of ${file}; ${imported.unsupported.length} not supported:`,
    ...imported.unsupported.map((u) => `  [${u.section}] ${u.option} (line ${u.line}): ${u.reason}`),
  ].join('\n');
  const header = `# Imported from the Genesys Chat Server options in ${file}.\n# Not imported:\n${imported.unsupported.map((u) => `#   [${u.section}] ${u.option}: ${u.reason}`).join('\n') || '#   none'}\n`;
  const yaml = header + YAML.stringify(imported.config);
  if (out === undefined) return { text: yaml.trimEnd(), notes: report };
  await writeFile(out, yaml);
  return { text: `${report}\nwrote ${out}` };
}
