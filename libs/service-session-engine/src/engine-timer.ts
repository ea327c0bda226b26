import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChatEngine } from '@ocs/chat-engine';
import { LOGGER, type Logger } from '@ocs/observability';
import { systemClock } from '@ocs/ports';

/** How often the engine's earliest deadline is checked; timeouts are configured in seconds. */
const CHECK_EVERY_MS = 250;

/**
 * Drives the engine's timers from real time. The engine only knows deadlines and `tick()`; this shell is the
 * one place that waits, so every timer rule stays testable without sleeping.
 */
@Injectable()
export class EngineTimer implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly engine: ChatEngine,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    const due = this.engine.nextDeadline();
    if (this.running || due === undefined || due > systemClock.now()) return;
    this.running = true;
    try {
      for (const { sessionId, error } of await this.engine.tick()) {
        this.logger.error({ err: error, sessionId }, 'session timer failed');
      }
    } catch (error) {
      this.logger.error({ err: error }, 'timer processing failed');
    } finally {
      this.running = false;
    }
  }
}
