import { Controller, Get, Inject, Injectable, ServiceUnavailableException, type FactoryProvider } from '@nestjs/common';
import { Logger } from 'pino';
import { LOGGER, SERVICE_NAME } from './tokens';

/** Passes when it returns (or resolves to) true; false, a throw or no answer within its time limit fails it. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** How long a check may take before it counts as failed, unless registered with another limit. */
const DEFAULT_TIMEOUT_MS = 2000;
const TIMED_OUT = Symbol('timed out');

interface Registered {
  check: ReadinessCheck;
  timeoutMs: number;
  /** The call still running: a later probe waits for it rather than starting another (a hung server gets one call). */
  running?: Promise<boolean>;
  /** What the last call threw, for the log. */
  error?: unknown;
  failing: boolean;
}

/**
 * The app is ready (`GET /health/ready` = 200) when every registered check passes. Each probe runs the checks
 * together; one that has not answered within its limit (default 2 s) fails, so a hung dependency fails the probe
 * instead of holding it. A check changing between passing and failing is logged once, not at every probe.
 */
@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, Registered>();

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  /**
   * A provider that registers `checks` (by name) when the app starts: add it to the providers of the app's root
   * module, which imports `ObservabilityModule`.
   */
  static provider(checks: Readonly<Record<string, ReadinessCheck>>, options: { timeoutMs?: number } = {}): FactoryProvider {
    return {
      provide: Symbol('readiness checks'),
      inject: [ReadinessChecks],
      useFactory: (readiness: ReadinessChecks) => {
        for (const [name, check] of Object.entries(checks)) readiness.register(name, check, options);
        return Object.keys(checks);
      },
    };
  }

  register(name: string, check: ReadinessCheck, { timeoutMs = DEFAULT_TIMEOUT_MS }: { timeoutMs?: number } = {}): void {
    if (this.checks.has(name)) throw new Error(`readiness check ${name} is already registered`);
    this.checks.set(name, { check, timeoutMs, failing: false });
  }

  /** Names of the checks that fail now, in registration order. */
  async failing(): Promise<string[]> {
    const results = await Promise.all([...this.checks].map(async ([name, registered]) => ((await this.passes(name, registered)) ? [] : [name])));
    return results.flat();
  }

  private async passes(name: string, registered: Registered): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), registered.timeoutMs);
      timer.unref();
    });
    const outcome = await Promise.race([(registered.running ??= this.run(registered)), timeout]);
    clearTimeout(timer);
    const passed = outcome === true;
    if (passed === !registered.failing) return passed;
    registered.failing = !passed;
    if (passed) this.logger.info({ check: name }, 'readiness check passing again');
    else if (outcome === TIMED_OUT) this.logger.warn({ check: name, timeoutMs: registered.timeoutMs }, 'readiness check failing: no answer in time');
    else this.logger.warn({ check: name, ...(registered.error === undefined ? {} : { err: registered.error }) }, 'readiness check failing');
    return passed;
  }

  /** One call of the check, settling to whether it passed; `running` until then. */
  private async run(registered: Registered): Promise<boolean> {
    try {
      registered.error = undefined;
      return (await registered.check()) === true;
    } catch (err) {
      registered.error = err;
      return false;
    } finally {
      registered.running = undefined;
    }
  }
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly readiness: ReadinessChecks,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok', service: this.service };
  }

  @Get('ready')
  async ready() {
    const failing = await this.readiness.failing();
    if (failing.length > 0) throw new ServiceUnavailableException({ status: 'unavailable', service: this.service, failing });
    return { status: 'ok', service: this.service };
  }
}
