/** Start-up refusal of the configuration: every problem found, one line each, in the Genesys option names. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}
