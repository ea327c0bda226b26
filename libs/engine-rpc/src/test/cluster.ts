/** A cluster of real engines behind real HTTP, for the engine-rpc tests (under test/, so the build leaves it out). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_RULES, type IdSource } from '@ocs/chat-domain';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';
import { ChatEngine, type ChatEngineDeps } from '@ocs/chat-engine';
import { MemoryEventBus, MemoryFanOut, MemoryMembership, MemoryOwnershipStore, MemoryPartyKeys, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { RemoteEngine, type RemoteEngineOptions } from '../remote-engine';
import { DEFAULT_RPC_PATH, EngineRpcServer, rpcRequestListener } from '../rpc-server';

export const POLL_INTERVAL_MS = 50;
const HEARTBEAT_TTL_MS = 60_000;

export interface TestNode {
  nodeId: string;
  engine: ChatEngine;
  rpc: EngineRpcServer;
  /** The node's RPC endpoint. */
  url: string;
  /** Heartbeats with the node's current session count. */
  beat(options?: { draining?: boolean; limited?: boolean; sessions?: number }): Promise<void>;
  /** The node is lost: its HTTP server goes and it leaves membership (its engine lingers, as a crashed process's would not). */
  lose(): Promise<void>;
  /** The node crashed: its HTTP server goes, membership still lists it (until its heartbeat would expire). */
  crash(): Promise<void>;
}

/** Ids of one node: sessions and secure keys carry the node's prefix, so nodes never hand out the same ones. */
function nodeIds(prefix: string): IdSource {
  const ids = new SequentialIds();
  return {
    sessionId: () => prefix + ids.sessionId().slice(prefix.length),
    userId: () => ids.userId(),
    secret: () => prefix.toLowerCase() + ids.secret().slice(prefix.length),
  };
}

/** Nodes and gateways sharing one transcript store, ownership store, party key index, event bus, membership and fan-out hub. */
export class TestCluster {
  readonly ownership = new MemoryOwnershipStore();
  readonly store = new MemoryTranscriptStore(this.ownership);
  readonly partyKeys = new MemoryPartyKeys();
  readonly bus = new MemoryEventBus();
  readonly membership = new MemoryMembership();
  /** Whatever a node, a gateway or the fan-out reported: a test that expects none checks it is empty. */
  readonly errors: unknown[] = [];
  readonly fanOut = new MemoryFanOut((_channel, error) => this.errors.push(error));
  private readonly servers: Server[] = [];
  private readonly gateways: RemoteEngine[] = [];

  /** `limits`: the node's load limits (`limit-for-sessions`), none by default. */
  async node(nodeId: string, ids: IdSource = nodeIds(nodeId), limits?: ChatEngineDeps['limits']): Promise<TestNode> {
    const engine = new ChatEngine({
      clock: new ManualClock(),
      ids,
      rules: DEFAULT_RULES,
      store: this.store,
      bus: this.bus,
      partyKeys: this.partyKeys,
      durability: { autoSave: 1, saveOnError: 'continue', resendAttempts: 0, resendDelayMs: 0 },
      ownership: { nodeId, store: this.ownership, isAlive: async (id) => (await this.membership.alive()).some((n) => n.nodeId === id) },
      onListenerError: (_sessionId, error) => this.errors.push(error),
      ...(limits ? { limits } : {}),
    });
    const rpc = new EngineRpcServer({ engine, fanOut: this.fanOut, onError: (error) => this.errors.push(error) });
    const server = await listen(createServer(rpcRequestListener(rpc)));
    this.servers.push(server);
    const url = endpoint(server);
    const beat = ({ draining = false, limited = false, sessions = engine.sessionCount } = {}) =>
      this.membership.heartbeat({ nodeId, url, draining, limited, sessions }, HEARTBEAT_TTL_MS);
    await beat();
    const lose = async () => {
      await stop(server);
      await this.membership.leave(nodeId);
    };
    return { nodeId, engine, rpc, url, beat, lose, crash: () => stop(server) };
  }

  gateway(gatewayId: string, options: Partial<RemoteEngineOptions> = {}): RemoteEngine {
    const gateway = new RemoteEngine({
      secret: 'a-secret-the-test-nodes-do-not-check',
      gatewayId,
      membership: this.membership,
      fanOut: this.fanOut,
      routeTtlMs: 60_000,
      requestTimeoutMs: 2000,
      pollIntervalMs: POLL_INTERVAL_MS,
      onError: (error) => this.errors.push(error),
      ...options,
    });
    this.gateways.push(gateway);
    return gateway;
  }

  /** A server that is registered as a node but never answers. */
  async hungNode(nodeId: string): Promise<void> {
    const server = await listen(createServer(() => undefined));
    this.servers.push(server);
    await this.membership.heartbeat({ nodeId, url: endpoint(server), draining: false, limited: false, sessions: 0 }, HEARTBEAT_TTL_MS);
  }

  async close(): Promise<void> {
    await Promise.all(this.gateways.map((gateway) => gateway.close()));
    await Promise.all(this.servers.map(stop));
  }
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function endpoint(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${DEFAULT_RPC_PATH}`;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export const CUSTOMER = { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } as const;
export const AGENT = { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 } as const;

export { actor, refusal } from '@ocs/testing';
