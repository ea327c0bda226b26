import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions, type Server } from 'node:tls';
import { types } from 'cassandra-driver';
import { cassandraClientOptions, connectCassandra, consistencyLevel, sslOptions, type CassandraEncryption } from './cassandra-options';

describe('consistencyLevel', () => {
  it('reads Genesys-like level names in any case and spelling', () => {
    expect(consistencyLevel('quorum')).toBe(types.consistencies.quorum);
    expect(consistencyLevel('QUORUM')).toBe(types.consistencies.quorum);
    expect(consistencyLevel('one')).toBe(types.consistencies.one);
    expect(consistencyLevel('local_quorum')).toBe(types.consistencies.localQuorum);
    expect(consistencyLevel('LOCAL_ONE')).toBe(types.consistencies.localOne);
    expect(consistencyLevel('each-quorum')).toBe(types.consistencies.eachQuorum);
    expect(consistencyLevel(' All ')).toBe(types.consistencies.all);
  });

  it('refuses unknown levels and the serial ones', () => {
    expect(() => consistencyLevel('most')).toThrow('Unknown Cassandra consistency level "most"');
    expect(() => consistencyLevel('local_serial')).toThrow('Unknown Cassandra consistency level');
  });
});

describe('cassandraClientOptions', () => {
  it('defaults to port 9042, data center datacenter1, protocol v4 at most, no credentials and no TLS', async () => {
    const { policies: clientPolicies, ...rest } = await cassandraClientOptions({ contactPoints: ['10.0.0.1', '10.0.0.2'], keyspace: 'genesys_chat_server' });
    expect(rest).toEqual({
      contactPoints: ['10.0.0.1', '10.0.0.2'],
      localDataCenter: 'datacenter1',
      protocolOptions: { port: 9042, maxVersion: 4 },
    });
    const delays = clientPolicies?.reconnection?.newSchedule();
    // Exponential from 1 s, capped at 10 s; the driver adds up to 15 % of jitter.
    const schedule = [...Array(8)].map(() => Number(delays?.next().value));
    expect(schedule[0]).toBeLessThan(1500);
    expect(Math.max(...schedule)).toBeLessThanOrEqual(11_500);
  });

  it('passes the port, data center and credentials', async () => {
    const options = await cassandraClientOptions({
      contactPoints: ['127.0.0.1'],
      port: 19042,
      localDataCenter: 'dc2',
      keyspace: 'k',
      username: 'chat',
      password: 'secret',
    });
    expect(options).toMatchObject({ localDataCenter: 'dc2', protocolOptions: { port: 19042 }, credentials: { username: 'chat', password: 'secret' } });
  });

  it('ignores a blank username, as a RAP with empty options has', async () => {
    expect(await cassandraClientOptions({ contactPoints: ['127.0.0.1'], keyspace: 'k', username: '', password: '' })).not.toHaveProperty('credentials');
  });
});

describe('connectCassandra', () => {
  const options = { contactPoints: ['127.0.0.1'], port: 1, keyspace: 'genesys_chat_server' };

  it('refuses a bad keyspace name or consistency level before connecting', async () => {
    await expect(connectCassandra({ ...options, keyspace: 'genesys-chat' })).rejects.toThrow('Cassandra keyspace name "genesys-chat"');
    await expect(connectCassandra({ ...options, writeConsistency: 'twice' })).rejects.toThrow('Unknown Cassandra consistency level "twice"');
  });

  it('rejects when no contact point answers', async () => {
    await expect(connectCassandra(options)).rejects.toThrow('All host(s) tried for query failed');
  });
});

describe('sslOptions: the RAP [encryption] section as the driver sslOptions', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocs-cassandra-tls-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function file(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  it('is undefined unless encryption is enabled', async () => {
    expect(await sslOptions(undefined)).toBeUndefined();
    expect(await sslOptions({ enabled: false, trustedCertDir: dir })).toBeUndefined();
  });

  it('trusts every .pem file of trusted-cert-dir, and maps the client certificate, key, password and peer checks', async () => {
    mkdirSync(join(dir, 'trusted'));
    file('trusted/cassandra2.pem', 'node 2');
    file('trusted/cassandra1.PEM', 'node 1');
    file('trusted/notes.txt', 'not a certificate');
    const options = await sslOptions({
      enabled: true,
      trustedCertDir: join(dir, 'trusted'),
      clientCertificateFile: file('chatclient.pem', 'client certificate'),
      clientPrivateKeyFile: file('chatclientkey.pem', 'client key'),
      password: 'genesys',
      verifyPeerCert: true,
      verifyPeerIdentity: false,
    });
    expect(options).toEqual({
      ca: [Buffer.from('node 1'), Buffer.from('node 2')],
      cert: Buffer.from('client certificate'),
      key: Buffer.from('client key'),
      passphrase: 'genesys',
      rejectUnauthorized: true,
      checkServerIdentity: expect.any(Function),
    });
    expect(options?.checkServerIdentity?.('any-host', {} as never)).toBeUndefined();
  });

  it('verifies the peer certificate and identity by default and leaves blank options out', async () => {
    expect(await sslOptions({ enabled: true, trustedCertDir: '', clientCertificateFile: '', clientPrivateKeyFile: '', password: '' })).toEqual({
      rejectUnauthorized: true,
    });
    expect(await sslOptions({ enabled: true, verifyPeerCert: false, verifyPeerIdentity: true })).toEqual({ rejectUnauthorized: false });
  });

  it('refuses a trusted-cert-dir without a .pem file', async () => {
    await expect(sslOptions({ enabled: true, trustedCertDir: dir })).rejects.toThrow(`No .pem file in the Cassandra trusted-cert-dir ${dir}`);
  });

  describe('against a TLS server whose certificate names another host', () => {
    let server: Server;
    let port: number;
    let encryption: CassandraEncryption;

    function openssl(...args: string[]): void {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-days', '1', ...args], {
        cwd: dir,
        stdio: 'ignore',
      });
    }

    beforeEach(async () => {
      mkdirSync(join(dir, 'trusted'));
      openssl(
        '-nodes',
        '-keyout',
        'node-key.pem',
        '-out',
        'trusted/cassandra1.pem',
        '-subj',
        '/CN=cassandra-node',
        '-addext',
        'subjectAltName=DNS:cassandra-node',
      );
      openssl('-passout', 'pass:genesys', '-keyout', 'chatclientkey.pem', '-out', 'chatclient.pem', '-subj', '/CN=chatclient');
      const serverOptions = {
        key: readFileSync(join(dir, 'node-key.pem')),
        cert: readFileSync(join(dir, 'trusted/cassandra1.pem')),
        requestCert: true,
        rejectUnauthorized: false,
      };
      server = createServer(serverOptions, (socket) => socket.end(`client ${socket.getPeerCertificate().subject?.CN ?? 'anonymous'}`));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      encryption = {
        enabled: true,
        trustedCertDir: join(dir, 'trusted'),
        clientCertificateFile: join(dir, 'chatclient.pem'),
        clientPrivateKeyFile: join(dir, 'chatclientkey.pem'),
        password: 'genesys',
        verifyPeerCert: true,
        verifyPeerIdentity: false,
      };
    });
    afterEach(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    /** What the server answered (the client certificate it saw), or the client's error code. */
    async function handshake(options: ConnectionOptions | undefined): Promise<string> {
      return new Promise((resolve) => {
        let answer = '';
        connect({ host: '127.0.0.1', port, ...options })
          .setEncoding('utf8')
          .on('data', (chunk: string) => (answer += chunk))
          .on('end', () => resolve(answer))
          .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
    }

    it('connects with a trusted certificate of another host when verify-peer-identity is false, presenting the client certificate', async () => {
      expect(await handshake(await sslOptions(encryption))).toBe('client chatclient');
    });

    it('refuses the other host when verify-peer-identity is true', async () => {
      expect(await handshake(await sslOptions({ ...encryption, verifyPeerIdentity: true }))).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    });

    it('refuses an untrusted node certificate when verify-peer-cert is true, and accepts it when false', async () => {
      rmSync(join(dir, 'trusted/cassandra1.pem'));
      openssl('-nodes', '-keyout', 'other-key.pem', '-out', 'trusted/other.pem', '-subj', '/CN=other');
      expect(await handshake(await sslOptions(encryption))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(await handshake(await sslOptions({ ...encryption, verifyPeerCert: false }))).toBe('client chatclient');
    });
  });
});
