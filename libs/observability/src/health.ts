import { Controller, Get, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Logger } from 'pino';
import { LOGGER, SERVICE_NAME } from './tokens';

/** Passes when it returns (or resolves to) true; false or a throw fails it. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** The app is ready (`GET /health/ready` = 200) when every registered check passes. */
@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  register(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`readiness check ${name} is already registered`);
    this.checks.set(name, check);
  }

  /** Names of the checks that fail now, in registration order. */
  async failing(): Promise<string[]> {
    const results = await Promise.all([...this.checks].map(async ([name, check]) => ((await this.passes(name, check)) ? [] : [name])));
    return results.flat();
  }

  private async passes(name: string, check: ReadinessCheck): Promise<boolean> {
    try {
      return await check();
    } catch (err) {
      this.logger.warn({ err, check: name }, 'readiness check threw');
      return false;
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
