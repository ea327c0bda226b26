import { MemoryFanOut, MemoryRoutingStore } from '@ocs/adapters-memory';
import { ConfigError, type ChatServerConfig, type QueueSectionConfig } from '@ocs/config';
import type { Logger } from '@ocs/observability';
import { systemClock, type EventBus, type FanOut, type InteractionServer, type RoutingStore } from '@ocs/ports';
import { RoutingError, type QueueConfigInput, validateQueues } from '@ocs/routing';
import { RoutedInteractions, RoutingMetricsSink, RoutingModule, RoutingRuntime, type RoutingRuntimeOptions } from '@ocs/service-routing';
import type { AgentRoutingPorts } from '@ocs/service-webapi-gateway';
import type { DynamicModule } from '@nestjs/common';

const SECOND = 1000;

/** A `[queue:<name>]` section as the routing core takes it (seconds to milliseconds). */
function queueInput(q: QueueSectionConfig): QueueConfigInput {
  return {
    name: q.name,
    strategy: q.strategy,
    requiredSkills: { ...q.requiredSkills },
    priority: q.priority,
    agingStepMs: q.agingStep * SECOND,
    agingIncrement: q.agingIncrement,
    maxPriority: q.maxPriority,
    ...(q.overflowQueue !== undefined ? { overflowQueue: q.overflowQueue } : {}),
    overflowAfterMs: q.overflowAfter * SECOND,
    offerTimeoutMs: q.offerTimeout * SECOND,
    maxOffers: q.maxOffers,
    redirectSkipMs: q.redirectSkip * SECOND,
    parkMs: q.parkTime * SECOND,
    externalTimeoutMs: q.externalTimeout * SECOND,
  };
}

/**
 * The routing options from `[routing]`, `[endpoints:<tenant>]` and `[queue:<name>]`: each tenant routes the queues its
 * endpoints name, with the options of their `[queue:<name>]` sections (defaults without one), and every queue that
 * has a section (overflow targets). Checked as the routing core checks them: a problem stops the start, naming it.
 */
export function routingOptionsFromConfig(config: ChatServerConfig): RoutingRuntimeOptions {
  const sections = new Map(config.queues.map((q) => [q.name, queueInput(q as QueueSectionConfig)]));
  const tenants: Record<number, QueueConfigInput[]> = {};
  for (const [tenant, endpoints] of Object.entries(config.endpoints)) {
    const names = new Set([...Object.values(endpoints), ...sections.keys()]);
    const queues = [...names].map((name) => sections.get(name) ?? { name });
    try {
      validateQueues(queues);
    } catch (error) {
      if (error instanceof RoutingError) throw new ConfigError([`invalid [queue:<name>] sections for [endpoints:${tenant}]: ${error.message}`]);
      throw error;
    }
    tenants[Number(tenant)] = queues;
  }
  const { routing } = config;
  return {
    tenants,
    router: {
      graceMs: routing.agentGracePeriod * SECOND,
      flapLimit: routing.flapLimit,
      flapWindowMs: routing.flapWindow * SECOND,
      flapQuietMs: routing.flapQuietTime * SECOND,
    },
    sweepMs: routing.timerInterval * SECOND,
  };
}

export interface BuiltinRouting {
  /** The Interaction Server the chat server's bridge submits to: new and ended interactions reach routing. */
  interactions: InteractionServer;
  /** What the agent WebSocket needs to reach routing. */
  agentPorts: AgentRoutingPorts;
  /** The runtime with its metrics, for the app it runs in (the esp-gateway's). */
  module: DynamicModule;
}

export interface BuiltinRoutingParts {
  bus: EventBus;
  /** The chat server's Interaction Server (unwrapped). */
  interactions: InteractionServer;
  store?: RoutingStore;
  fanOut?: FanOut;
  /** Releases the parts once the runtime stopped (cluster mode). */
  close?: () => Promise<void>;
}

/** The Interaction Server the bridge submits to: with `[routing] mode` builtin, new and ended interactions reach routing. */
export function routedInteractions(config: ChatServerConfig, bus: EventBus, interactions: InteractionServer): InteractionServer {
  if (config.routing.mode !== 'builtin') return interactions;
  const tenants = new Set(Object.keys(config.endpoints).map(Number));
  return new RoutedInteractions(interactions, bus, systemClock, (tenant) => tenants.has(tenant));
}

/** The built-in routing on the given parts: embedded, the memory bus, store and fan-out of the process. */
export function builtinRouting(config: ChatServerConfig, logger: Logger, parts: BuiltinRoutingParts): BuiltinRouting {
  const options = routingOptionsFromConfig(config);
  const fanOut = parts.fanOut ?? new MemoryFanOut((channel, err) => logger.error({ err }, 'routing fan-out handler failed'));
  const metrics = new RoutingMetricsSink();
  let runtime: RoutingRuntime;
  try {
    runtime = new RoutingRuntime({
      store: parts.store ?? new MemoryRoutingStore(),
      bus: parts.bus,
      fanOut,
      interactions: parts.interactions,
      clock: systemClock,
      options,
      onError: (tenantDbid, err) => logger.error({ tenantDbid, err }, 'routing step failed'),
      observe: metrics.observe,
    });
  } catch (error) {
    if (error instanceof RoutingError) throw new ConfigError([`invalid routing options: ${error.message}`]);
    throw error;
  }
  return {
    interactions: routedInteractions(config, parts.bus, parts.interactions),
    agentPorts: { bus: parts.bus, fanOut, now: () => systemClock.now() },
    module: RoutingModule.forRoot({ runtime, metrics, ...(parts.close ? { close: parts.close } : {}) }),
  };
}
