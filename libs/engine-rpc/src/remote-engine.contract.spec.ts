import { chatEngineApiContract } from '@ocs/testing';
import { TestCluster } from './test/cluster';

chatEngineApiContract('RemoteEngine over the engine RPC (two nodes, real HTTP)', async () => {
  const cluster = new TestCluster();
  await cluster.node('A');
  await cluster.node('B');
  const api = cluster.gateway('contract-gateway');
  return {
    api,
    close: async () => {
      await cluster.close();
      expect(cluster.errors).toEqual([]);
    },
  };
});
