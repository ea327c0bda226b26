import { RoutingError } from './errors';
import { MAX_SKILL_LEVEL, MIN_SKILL_LEVEL, STRATEGIES, type QueueConfig, type Strategy } from './types';

/** A queue as configured: only the name is required, the rest has the defaults below. */
export type QueueConfigInput = { name: string } & Partial<Omit<QueueConfig, 'name'>>;

export const QUEUE_DEFAULTS: Omit<QueueConfig, 'name'> = {
  strategy: 'longest-idle',
  requiredSkills: {},
  priority: 0,
  agingStepMs: 0,
  agingIncrement: 1,
  maxPriority: 1000,
  overflowAfterMs: 0,
  offerTimeoutMs: 30_000,
  maxOffers: 0,
  redirectSkipMs: 60_000,
  parkMs: 60_000,
  externalTimeoutMs: 30_000,
};

const DURATIONS = ['agingStepMs', 'overflowAfterMs', 'offerTimeoutMs', 'redirectSkipMs', 'parkMs', 'externalTimeoutMs'] as const;
const COUNTS = ['maxOffers'] as const;
const NUMBERS = ['priority', 'agingIncrement', 'maxPriority'] as const;

function isInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function problemsOfOne(q: QueueConfig, at: string): string[] {
  const problems: string[] = [];
  if (!(STRATEGIES as readonly string[]).includes(q.strategy)) {
    problems.push(`${at}: unknown strategy ${JSON.stringify(q.strategy)} (expected one of ${STRATEGIES.join(', ')})`);
  }
  for (const key of DURATIONS) if (!isInteger(q[key]) || q[key] < 0) problems.push(`${at}: ${key} must be a whole number of milliseconds ≥ 0`);
  for (const key of COUNTS) if (!isInteger(q[key]) || q[key] < 0) problems.push(`${at}: ${key} must be a whole number ≥ 0`);
  for (const key of NUMBERS) if (!isInteger(q[key])) problems.push(`${at}: ${key} must be a whole number`);
  if (isInteger(q.offerTimeoutMs) && q.offerTimeoutMs === 0) problems.push(`${at}: offerTimeoutMs must be > 0 (an offer nobody answers would hold the chat)`);
  if (isInteger(q.maxPriority) && isInteger(q.priority) && q.maxPriority < q.priority) problems.push(`${at}: maxPriority is below priority`);
  if (typeof q.requiredSkills !== 'object' || q.requiredSkills === null || Array.isArray(q.requiredSkills)) {
    problems.push(`${at}: requiredSkills must map skill names to levels`);
  } else {
    for (const [skill, level] of Object.entries(q.requiredSkills)) {
      if (!isInteger(level) || level < MIN_SKILL_LEVEL || level > MAX_SKILL_LEVEL) {
        problems.push(
          `${at}: required skill ${JSON.stringify(skill)} at level ${JSON.stringify(level)} is impossible (levels run ${MIN_SKILL_LEVEL}–${MAX_SKILL_LEVEL})`,
        );
      }
    }
  }
  if (q.overflowAfterMs > 0 && q.overflowQueue === undefined) problems.push(`${at}: overflowAfterMs is set but no overflowQueue`);
  return problems;
}

function overflowProblems(queues: Map<string, QueueConfig>): string[] {
  const problems: string[] = [];
  for (const q of queues.values()) {
    if (q.overflowQueue === undefined) continue;
    if (!queues.has(q.overflowQueue)) {
      problems.push(`queue ${JSON.stringify(q.name)}: unknown overflow queue ${JSON.stringify(q.overflowQueue)}`);
      continue;
    }
    const seen = new Set([q.name]);
    for (let next: string | undefined = q.overflowQueue; next !== undefined; next = queues.get(next)?.overflowQueue) {
      if (seen.has(next)) {
        problems.push(`queue ${JSON.stringify(q.name)}: overflow goes round in a circle (${[...seen, next].join(' → ')})`);
        break;
      }
      seen.add(next);
    }
  }
  return problems;
}

/**
 * Every problem of a set of queue configurations, each naming its queue and field: an empty list means valid.
 * Unknown or circular overflow targets, impossible skill levels and negative numbers are problems; nothing is
 * fixed up silently.
 */
export function queueConfigProblems(inputs: readonly QueueConfigInput[]): string[] {
  const problems: string[] = [];
  const queues = new Map<string, QueueConfig>();
  inputs.forEach((input, i) => {
    const name = input?.name;
    if (typeof name !== 'string' || name.trim() === '') {
      problems.push(`queue #${i + 1}: a name is required`);
      return;
    }
    const at = `queue ${JSON.stringify(name)}`;
    if (queues.has(name)) {
      problems.push(`${at}: configured twice`);
      return;
    }
    const q = withDefaults(input);
    for (const key of Object.keys(input))
      if (key !== 'name' && !(key in QUEUE_DEFAULTS) && key !== 'overflowQueue') problems.push(`${at}: unknown field ${key}`);
    problems.push(...problemsOfOne(q, at));
    queues.set(name, q);
  });
  return [...problems, ...overflowProblems(queues)];
}

function withDefaults(input: QueueConfigInput): QueueConfig {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  return { ...QUEUE_DEFAULTS, ...defined, requiredSkills: { ...(input.requiredSkills ?? QUEUE_DEFAULTS.requiredSkills) } } as QueueConfig;
}

/** The queues with their defaults, or a `RoutingError` (`INVALID_CONFIG`) listing every problem. */
export function validateQueues(inputs: readonly QueueConfigInput[]): QueueConfig[] {
  const problems = queueConfigProblems(inputs);
  if (problems.length > 0) throw new RoutingError('INVALID_CONFIG', `invalid routing queues: ${problems.join('; ')}`);
  return inputs.map(withDefaults);
}

/** Whether a strategy offers interactions by itself (the others wait for a pick or an external decision). */
export function isAutomatic(strategy: Strategy): boolean {
  return strategy !== 'manual' && strategy !== 'external';
}

/** The priority of an interaction after `waitedMs` of waiting in `queue`, aging included. */
export function effectivePriority(queue: QueueConfig | undefined, base: number, waitedMs: number): number {
  if (!queue || queue.agingStepMs <= 0 || waitedMs <= 0) return base;
  const aged = base + Math.floor(waitedMs / queue.agingStepMs) * queue.agingIncrement;
  return Math.max(base, Math.min(aged, queue.maxPriority));
}
