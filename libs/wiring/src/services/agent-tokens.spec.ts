import { ConfigError, parseConfig } from '@ocs/config';
import { agentTokens } from './webapi-gateway';

const SECRET = '0123456789abcdef';

function tokens(...entries: object[]) {
  return agentTokens(
    parseConfig({
      'agent-api': { tokens: entries.map((e, i) => ({ name: `t${i}`, secret: SECRET, 'user-types': ['SUPERVISOR'], ...e })) },
      'endpoints:1': { default: 'chat_inbound', sales: 'chat_sales' },
      'endpoints:2': { default: 'chat_inbound', vip: 'chat_vip' },
    }),
  );
}

describe('[agent-api] tokens scope', () => {
  it('a token without tenants or queues has no scope: it reaches every session', () => {
    expect(tokens({})[0]).toEqual({ name: 't0', secret: SECRET, userTypes: ['SUPERVISOR'] });
  });

  it("resolves queues to the entry points of the token's tenants", () => {
    const [all, sales, inbound2, tenant2] = tokens(
      { queues: ['chat_inbound'] },
      { queues: ['chat_sales'] },
      { tenants: [2], queues: ['chat_inbound'] },
      { tenants: [2] },
    );
    expect(all.scope).toEqual({ entryPoints: ['1:default', '2:default'] });
    expect(sales.scope).toEqual({ entryPoints: ['1:sales'] });
    expect(inbound2.scope).toEqual({ tenants: [2], entryPoints: ['2:default'] });
    expect(tenant2.scope).toEqual({ tenants: [2] });
  });

  it('refuses a queue no endpoint uses, and malformed scopes', () => {
    expect(() => tokens({ queues: ['chat_inbuond'] })).toThrow(
      'invalid option [agent-api] tokens[0].queues: no [endpoints:<tenant>] entry has the queue "chat_inbuond"',
    );
    expect(() => tokens({ tenants: [] })).toThrow(ConfigError);
    expect(() => tokens({ tenants: ['one'] })).toThrow('expected a non-empty list of tenant dbids');
    expect(() => tokens({ queues: [' '] })).toThrow('expected a non-empty list of queue names');
  });
});
