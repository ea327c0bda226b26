import { compilePiiRules, type CompiledPiiRule, type PiiRuleConfig } from '@ocs/chat-domain';
import type { UniversalContactServer } from '@ocs/ports';

export interface PiiRuleBookOptions {
  ucs: Pick<UniversalContactServer, 'getPiiRules'>;
  /** The tenants whose rule sets are read (those of `[endpoints:<tenant>]`). */
  tenants: readonly number[];
  /** `default-spec` and `default-repchar`, for the rules that set no spec or character of their own. */
  defaults: { spec: string; repchar: string };
  /** How often the sets are read again. */
  refreshIntervalMs: number;
  /** Told of what is wrong with a tenant's set once per change of it (a rule left out, a set that could not be read). */
  onProblem: (tenantDbid: number, problem: string) => void;
  /** `apply-config` ucs: a tenant without a set is not masked at all, which `onProblem` is told (once per change). */
  unmaskedWithoutSet?: boolean;
}

/** What the book notes of a tenant UCS holds no set for. */
const NONE = 'none';

/**
 * The PII rule sets UCS holds for the tenants (`[transcript-cleanup] apply-config` ucs or mix), compiled and kept for
 * the masking step to look up, and read again every `refreshIntervalMs`, so that a changed set takes effect without
 * a restart. A set is compiled only when it changed; a rule that is malformed or does not compile is reported and
 * left out; a set that cannot be read keeps the one read before; a stored value that is no list is not used.
 */
export class PiiRuleBook {
  private readonly sets = new Map<number, { stored: string; rules: readonly CompiledPiiRule[] | undefined }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PiiRuleBookOptions) {}

  /** The tenant's compiled rule set; undefined where UCS holds none (or holds something that is no list of rules). */
  readonly rulesFor = (tenantDbid: number): readonly CompiledPiiRule[] | undefined => this.sets.get(tenantDbid)?.rules;

  /** Reads the sets now, and then every `refreshIntervalMs` until `stop`. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    await Promise.all(this.options.tenants.map((tenant) => this.read(tenant)));
  }

  private async read(tenantDbid: number): Promise<void> {
    const { ucs, defaults, onProblem } = this.options;
    let stored: unknown;
    try {
      stored = await ucs.getPiiRules(tenantDbid);
    } catch (error) {
      return onProblem(tenantDbid, `PII rules could not be read from UCS, those read before stay: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = stored === undefined ? NONE : JSON.stringify(stored);
    if (this.sets.get(tenantDbid)?.stored === text) return;
    if (stored === undefined) {
      this.sets.set(tenantDbid, { stored: NONE, rules: undefined });
      if (this.options.unmaskedWithoutSet) onProblem(tenantDbid, 'no PII rule set in UCS: nothing is masked for this tenant (apply-config ucs)');
      return;
    }
    if (!Array.isArray(stored)) {
      this.sets.set(tenantDbid, { stored: text, rules: undefined });
      return onProblem(tenantDbid, 'PII rules in UCS are not a list of rules: the set is not used, the fallback rules apply');
    }
    const problems: string[] = [];
    const rules = compilePiiRules(stored as PiiRuleConfig[], defaults, (error) => problems.push(error.message));
    this.sets.set(tenantDbid, { stored: text, rules });
    for (const problem of problems) onProblem(tenantDbid, `PII rule left out: ${problem}`);
  }
}
