/**
 * A load-generator worker, forked by the bench parent (`node worker.js <index> <timeoutMs>`): runs the tasks it is
 * sent one after the other (its chats routed by the product's built-in routing to its own agents), reports its counters every second
 * and each task's result. What a task leaves running (dormant sessions) lasts until the parent says stop.
 */
import { runHttpCeiling, runRelayCeiling } from './drivers/ceiling';
import { runChat } from './drivers/chat';
import { runDormant } from './drivers/dormant';
import type { DriverOutcome, WorkerEnv } from './drivers/env';
import { emptyCounters, Measure } from './measure';
import type { Counters, FromWorker, Target, Task, ToWorker } from './protocol';

const index = Number(process.argv[2] ?? 0);
const measures: Measure[] = [];
const stops: Array<() => void> = [];

const env: WorkerEnv = {
  index,
  localAddress: `127.0.0.${index + 2}`,
  timeoutMs: Number(process.argv[3] ?? 30_000),
};

function tell(message: FromWorker): void {
  process.send?.(message);
}

function drive(task: Task, target: Target, m: Measure): Promise<DriverOutcome> {
  switch (task.kind) {
    case 'chat':
      return runChat(task, target, env, m);
    case 'dormant':
      return runDormant(task, target, env, m);
    case 'http-ceiling':
      return runHttpCeiling(task, target, env, m);
    case 'relay-ceiling':
      return runRelayCeiling(task, target, env, m);
  }
}

async function run(task: Task, target: Target): Promise<void> {
  const m = new Measure();
  measures.push(m);
  try {
    const { elapsedMs, stop } = await drive(task, target, m);
    if (stop) stops.push(stop);
    tell({ type: 'done', result: m.result(elapsedMs) });
  } catch (error) {
    tell({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

/** Every task's counters added up: `held` then counts dormant and active sessions together. */
function counters(): Counters {
  const sum = emptyCounters();
  for (const m of measures) for (const key of Object.keys(sum) as Array<keyof Counters>) sum[key] += m.counters[key];
  return sum;
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'run') void run(message.task, message.target);
  else {
    for (const stop of stops) stop();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
// A client library failing outside any request must not end the run: it counts as an error of the current task.
process.on('uncaughtException', (error) => measures.at(-1)?.error(`uncaught: ${error.message}`));
process.on('unhandledRejection', (reason) => measures.at(-1)?.error(`unhandled: ${reason instanceof Error ? reason.message : String(reason)}`));
setInterval(() => tell({ type: 'tick', counters: counters() }), 1000);
tell({ type: 'ready' });
