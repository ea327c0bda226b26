import { ConfigError, loadConfig } from '@ocs/config';
import { routingOptionsFromConfig } from './routing';

const options = (env: Record<string, string>) => routingOptionsFromConfig(loadConfig({ argv: [], env }));

describe('routing options from the configuration', () => {
  it('routes the queues of each tenant’s endpoints, with their [queue:<name>] options in milliseconds, and the sections’ queues', () => {
    const result = options({
      OCS__endpoints_2__web: 'vip',
      'OCS__queue_vip__offer-timeout': '20',
      'OCS__queue_vip__overflow-queue': 'backup',
      'OCS__queue_vip__overflow-after': '90',
      'OCS__queue_vip__required-skills': 'french:5',
      OCS__queue_backup__strategy: 'round-robin',
      'OCS__routing__agent-grace-period': '10',
    });
    expect(Object.keys(result.tenants)).toEqual(['1', '2']);
    expect(result.tenants[1].map((q) => q.name)).toEqual(['chat_inbound', 'vip', 'backup']);
    expect(result.tenants[2].find((q) => q.name === 'vip')).toMatchObject({
      offerTimeoutMs: 20_000,
      overflowQueue: 'backup',
      overflowAfterMs: 90_000,
      requiredSkills: { french: 5 },
      strategy: 'longest-idle',
    });
    expect(result.router).toMatchObject({ graceMs: 10_000, flapLimit: 10 });
    expect(result.sweepMs).toBe(1000);
  });

  it('stops the start on an overflow to a queue routing does not have, naming it', () => {
    expect(() => options({ 'OCS__queue_chat_inbound__overflow-queue': 'nowhere', 'OCS__queue_chat_inbound__overflow-after': '5' })).toThrow(ConfigError);
    let problems: readonly string[] = [];
    try {
      options({ 'OCS__queue_chat_inbound__overflow-queue': 'nowhere' });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual([
      'invalid [queue:<name>] sections for [endpoints:1]: invalid routing queues: queue "chat_inbound": unknown overflow queue "nowhere"',
    ]);
  });
});
