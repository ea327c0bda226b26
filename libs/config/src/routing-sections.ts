import { z } from 'zod';
import { integer, refusal, section, text } from './option-types';

/** The built-in routing's sections: `[routing]`, and one `[queue:<name>]` per queue that needs more than the defaults. */

const ROUTING_MODES = ['builtin', 'manual'] as const;
const STRATEGIES = ['longest-idle', 'least-busy', 'round-robin', 'manual', 'external'] as const;
const SKILLS = /^\s*[^\s:,]+\s*:\s*(10|\d)\s*(,\s*[^\s:,]+\s*:\s*(10|\d)\s*)*$/;
const DAY = 86_400;

/** `skill:level, skill:level` (levels 0–10) as a map. */
const skills = text(SKILLS, 'expected a comma-separated list of skill:level with levels from 0 to 10 (french:5, billing:3)').transform(
  (list): Record<string, number> =>
    Object.fromEntries(
      list.split(',').map((pair) => {
        const [skill, level] = pair.split(':').map((s) => s.trim());
        return [skill, Number(level)];
      }),
    ),
);

export const routingSections = {
  // Ours: who routes the chats of the `[endpoints:<tenant>]` queues.
  routing: section({
    mode: z.enum(ROUTING_MODES, refusal(`expected ${ROUTING_MODES.join(' or ')}`)).default('builtin'),
    'agent-grace-period': integer(0, 3_600).default(30),
    'flap-limit': integer(1, 1_000).default(10),
    'flap-window': integer(1, 3_600).default(60),
    'flap-quiet-time': integer(0, 3_600).default(30),
    'timer-interval': integer(1, 60).default(1),
  }),
};

/** One `[queue:<name>]` section; times in seconds. */
export const queueSchema = section({
  strategy: z.enum(STRATEGIES, refusal(`expected one of ${STRATEGIES.join(', ')}`)).default('longest-idle'),
  'required-skills': skills.optional(),
  priority: integer(0, 1_000_000).default(0),
  'aging-step': integer(0, DAY).default(0),
  'aging-increment': integer(0, 1_000_000).default(1),
  'max-priority': integer(0, 1_000_000).default(1_000),
  'overflow-queue': text(/\S/, 'expected a queue name').optional(),
  'overflow-after': integer(0, DAY).default(0),
  'offer-timeout': integer(1, 3_600).default(30),
  'max-offers': integer(0, 1_000).default(0),
  'redirect-skip': integer(0, DAY).default(60),
  'park-time': integer(0, DAY).default(60),
  'external-timeout': integer(1, 3_600).default(30),
});
