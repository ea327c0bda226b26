import { ManualClock } from '@ocs/chat-domain/testing';
import { isRoutingError } from '../errors';
import type { AgentProfile } from '../presence';
import type { QueueConfigInput } from '../queue-config';
import { Router } from '../router';
import type { RouterOptions, RoutingEvent, RoutingEventType } from '../types';

/** A router on a hand-moved clock, with shorthands for the specs. */
export function routerWith(queues: QueueConfigInput[], options: Partial<RouterOptions> = {}): { router: Router; clock: ManualClock } {
  const clock = new ManualClock();
  return { router: new Router(clock, queues, options), clock };
}

/** Logs the agent in ready, serving the queues, with a capacity for chat. */
export function readyAgent(router: Router, agentId: string, queues: string[], chats = 1, skills: Record<string, number> = {}): void {
  const profile: AgentProfile = { agentId, capacity: { chat: chats }, skills, queues, ready: true };
  router.login(profile);
}

export function ofType<T extends RoutingEventType>(events: RoutingEvent[], type: T): Extract<RoutingEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RoutingEvent, { type: T }> => e.type === type);
}

/** The offers a decision step made, as `interactionId → agentId`. */
export function offersOf(events: RoutingEvent[]): Record<string, string> {
  return Object.fromEntries(ofType(events, 'offered').map((e) => [e.interactionId, e.agentId]));
}

/** Decides and accepts every offer made: the agents each take what they were offered. */
export function decideAndAcceptAll(router: Router): Extract<RoutingEvent, { type: 'offered' }>[] {
  const offered = ofType(router.decide(), 'offered');
  for (const o of offered) router.accept(o.offerId, o.agentId);
  return offered;
}

/** The code of the `RoutingError` the call throws, or undefined if it does not throw; any other error is thrown on. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isRoutingError(e)) return e.code;
    throw e;
  }
  return undefined;
}
