import { ConfigError, loadConfig } from './index';

const load = (env: Record<string, string>) => loadConfig({ argv: [], env });

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    load(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('routing options', () => {
  it('routes built-in by default, with no queue section', () => {
    const config = load({});
    expect(config.routing).toEqual({ mode: 'builtin', agentGracePeriod: 30, flapLimit: 10, flapWindow: 60, flapQuietTime: 30, timerInterval: 1 });
    expect(config.queues).toEqual([]);
  });

  it('reads a [queue:<name>] section from the environment, its name as written, with its defaults', () => {
    const config = load({
      'OCS__queue_VIP-Sales__strategy': 'least-busy',
      'OCS__queue_VIP-Sales__required_skills': 'french:5, billing:10',
      OCS__routing__mode: 'manual',
    });
    expect(config.routing.mode).toBe('manual');
    expect(config.queues).toEqual([
      {
        name: 'VIP-Sales',
        strategy: 'least-busy',
        requiredSkills: { french: 5, billing: 10 },
        priority: 0,
        agingStep: 0,
        agingIncrement: 1,
        maxPriority: 1000,
        overflowAfter: 0,
        offerTimeout: 30,
        maxOffers: 0,
        redirectSkip: 60,
        parkTime: 60,
        externalTimeout: 30,
      },
    ]);
  });

  it('refuses a bad routing option or queue option, naming it', () => {
    expect(
      problemsOf({
        OCS__routing__mode: 'genesys',
        OCS__queue_sales__strategy: 'fastest',
        OCS__queue_sales__required_skills: 'french:11',
        OCS__queue_sales__offer_timeout: '0',
        OCS__queue_sales__colour: 'blue',
      }),
    ).toEqual([
      'invalid option [routing] mode: expected builtin or manual, got "genesys"',
      'invalid option [queue:sales] strategy: expected one of longest-idle, least-busy, round-robin, manual, external, got "fastest"',
      'invalid option [queue:sales] required-skills: expected a comma-separated list of skill:level with levels from 0 to 10 (french:5, billing:3), got "french:11"',
      'invalid option [queue:sales] offer-timeout: expected an integer from 1 to 3600, got 0',
      'unknown option [queue:sales] colour',
    ]);
  });
});
