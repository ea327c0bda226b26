import { MemoryUcs } from '@ocs/adapters-memory';
import { maskText, type PiiRuleConfig } from '@ocs/chat-domain';
import { PiiRuleBook } from './pii-rule-book';

const ORDERS: PiiRuleConfig = { id: 'U-1', name: 'Orders', regex: String.raw`ORD-\d{4}` };
const BROKEN: PiiRuleConfig = { id: 'U-2', name: 'Broken', regex: '(' };

function book(ucs: Pick<MemoryUcs, 'getPiiRules'>, unmaskedWithoutSet = false) {
  const problems: string[] = [];
  const rules = new PiiRuleBook({
    ucs,
    tenants: [1, 2],
    defaults: { spec: 'all', repchar: '#' },
    refreshIntervalMs: 60_000,
    onProblem: (tenant, problem) => problems.push(`${tenant}: ${problem}`),
    unmaskedWithoutSet,
  });
  return { rules, problems };
}

const masked = (rules: PiiRuleBook, tenant: number, text: string) => maskText(text, rules.rulesFor(tenant) ?? []).text;

describe('PII rule book (rules from UCS)', () => {
  it('holds each tenant’s set as UCS has it once started, and nothing for a tenant UCS has none for', async () => {
    const ucs = new MemoryUcs();
    await ucs.savePiiRules(1, [ORDERS]);
    const { rules, problems } = book(ucs);
    await rules.start();
    await rules.stop();
    expect(masked(rules, 1, 'ORD-1234')).toBe('########');
    expect(rules.rulesFor(2)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('takes a changed, a new and a removed set on the next read, without a restart', async () => {
    const ucs = new MemoryUcs();
    await ucs.savePiiRules(1, [ORDERS]);
    const { rules } = book(ucs);
    await rules.refresh();
    await ucs.savePiiRules(1, [{ ...ORDERS, regex: String.raw`INV-\d{4}` }]);
    await ucs.savePiiRules(2, []);
    await rules.refresh();
    expect(masked(rules, 1, 'ORD-1234 INV-5678')).toBe('ORD-1234 ########');
    expect(rules.rulesFor(2)).toEqual([]);
    await ucs.savePiiRules(1, undefined);
    await rules.refresh();
    expect(rules.rulesFor(1)).toBeUndefined();
  });

  it('leaves out a rule that does not compile, naming it once per change of the set, and keeps the others', async () => {
    const ucs = new MemoryUcs();
    await ucs.savePiiRules(1, [BROKEN, ORDERS]);
    const { rules, problems } = book(ucs);
    await rules.refresh();
    await rules.refresh();
    expect(masked(rules, 1, 'ORD-1234')).toBe('########');
    expect(rules.rulesFor(1)?.map((r) => [r.order, r.id])).toEqual([[2, 'U-1']]);
    expect(problems).toEqual([expect.stringMatching(/^1: PII rule left out: rule 1 \(id "U-2", name "Broken"\): invalid regular expression/)]);
  });

  it('reports a stored value that is no list of rules, once, and does not use it', async () => {
    const { rules, problems } = book({ getPiiRules: async (tenant) => (tenant === 1 ? ({ rules: [ORDERS] } as unknown as PiiRuleConfig[]) : undefined) });
    await rules.refresh();
    await rules.refresh();
    expect(rules.rulesFor(1)).toBeUndefined();
    expect(problems).toEqual(['1: PII rules in UCS are not a list of rules: the set is not used, the fallback rules apply']);
  });

  it('keeps the set read before when UCS cannot be read, and says so', async () => {
    let down = false;
    const ucs = new MemoryUcs();
    await ucs.savePiiRules(1, [ORDERS]);
    const { rules, problems } = book({ getPiiRules: (tenant) => (down ? Promise.reject(new Error('no host available')) : ucs.getPiiRules(tenant)) });
    await rules.refresh();
    down = true;
    await rules.refresh();
    expect(masked(rules, 1, 'ORD-1234')).toBe('########');
    expect(problems).toContain('1: PII rules could not be read from UCS, those read before stay: no host available');
  });

  it('with apply-config ucs, says once per change that a tenant without a set is not masked', async () => {
    const ucs = new MemoryUcs();
    await ucs.savePiiRules(2, [ORDERS]);
    const { rules, problems } = book(ucs, true);
    await rules.refresh();
    await rules.refresh();
    await ucs.savePiiRules(2, undefined);
    await rules.refresh();
    expect(problems).toEqual([
      '1: no PII rule set in UCS: nothing is masked for this tenant (apply-config ucs)',
      '2: no PII rule set in UCS: nothing is masked for this tenant (apply-config ucs)',
    ]);
  });
});
