import type { ChatServerConfig } from '@ocs/config';
import type { CassandraOptions } from './cassandra-options';

/** The driver connection of the `[cassandra]` and `[encryption]` sections (the guide's Cassandra RAP options). */
export function cassandraOptionsFromConfig({ cassandra, encryption }: ChatServerConfig): CassandraOptions {
  return {
    contactPoints: [...cassandra.contactPoints],
    port: cassandra.port,
    localDataCenter: cassandra.localDataCenter,
    keyspace: cassandra.keyspace,
    readConsistency: cassandra.readConsistency,
    writeConsistency: cassandra.writeConsistency,
    username: cassandra.username,
    password: cassandra.password,
    encryption: { ...encryption },
  };
}
