import { LoggerService } from '@nestjs/common';
import { Level, Logger } from 'pino';

const STACK = /\n\s+at /;

/**
 * Nest's `LoggerService` over pino: Nest's own messages become structured lines with their `context`. Nest's
 * `log` level is framework chatter (modules loaded, routes mapped), so it is written at debug.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes `(message, ...values, context?)`, and for errors `(message, stack?, context?)`. */
  private write(level: Level, message: unknown, params: unknown[]): void {
    const last = params.at(-1);
    const context = typeof last === 'string' && !STACK.test(last) ? last : undefined;
    const stack = params.find((param): param is string => typeof param === 'string' && STACK.test(param));
    const fields = { context, stack };
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, data: message });
    else this.logger[level](fields, String(message));
  }
}
