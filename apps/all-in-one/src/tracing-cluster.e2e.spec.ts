import { GmsRestClient, OtlpReceiver, until, type ReceivedSpan } from '@ocs/testing';
import { TestCluster, realServers, type ServiceProcess } from './test/cluster';

const servers = realServers();
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

/**
 * One chat request followed across separate processes on the real servers: the gateway's HTTP span, its engine RPC
 * call, the engine's span under it, the session record published to Kafka and consumed by the interaction bridge,
 * all in one trace exported over OTLP/HTTP; log lines written meanwhile carry the trace id; no credential in a span.
 */
(servers ? describe : describe.skip)('cluster: a chat request traced across gateway, engine and Kafka', () => {
  let receiver: OtlpReceiver;
  let cluster: TestCluster;
  let processes: ServiceProcess[] = [];

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    cluster = new TestCluster(servers ?? { cassandra: '', kafka: '', redis: '' }, {
      OCS__tracing__enabled: 'true',
      OCS__tracing__endpoint: receiver.url,
      OCS__kafka__name_prefix: `trace${Date.now().toString(36)}.`,
      OCS__log__level: 'debug',
      // The standard batch delay of the SDK, short so that the spans arrive while the test waits.
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    await TestCluster.build();
    await cluster.schema();
    processes = [await cluster.engine('e1'), await cluster.gateway('g1')];
  }, 360_000);

  afterAll(async () => {
    await cluster.stop();
    await receiver?.close();
    await cluster.dropSchema();
  }, 120_000);

  const span = (what: string, match: (s: ReceivedSpan) => boolean) => until(async () => receiver.spans.find(match), what, 20_000);

  it('puts the gateway, the engine RPC, the Kafka publish and its consumption in one trace', async () => {
    const [engine, gateway] = processes;
    const ann = new GmsRestClient(gateway.url);
    expect((await ann.requestChat({ nickname: 'Ann' })).body.statusCode).toBe(0);

    const request = await span('the gateway span of Request Chat', (s) => s.service === 'webapi-gateway' && s.kind === SERVER && s.name.startsWith('POST'));
    const handled = await span('the engine span in its trace', (s) => s.service === 'session-engine' && s.kind === SERVER && s.traceId === request.traceId);
    const call = await span('the engine call under it', (s) => s.service === 'session-engine' && s.traceId === request.traceId && s.name.startsWith('engine '));
    expect(call).toMatchObject({ name: 'engine createSession', attributes: { 'rpc.method': 'createSession' } });
    expect(receiver.spans.find((s) => s.spanId === handled.parentSpanId)).toMatchObject({ service: 'webapi-gateway', kind: CLIENT, traceId: request.traceId });
    const published = await span('the Kafka publish in its trace', (s) => s.kind === PRODUCER && s.traceId === request.traceId);
    expect(published.service).toBe('session-engine');
    const consumed = await span('the Kafka consumption in its trace', (s) => s.kind === CONSUMER && s.traceId === request.traceId);
    expect(consumed.service).toBe('session-engine');

    const traced = engine.output
      .join('')
      .split('\n')
      .filter((line) => line.includes(`"trace_id":"${request.traceId}"`));
    expect(traced.length).toBeGreaterThan(0);
    expect(receiver.spans.filter((s) => s.raw.includes(ann.secureKey))).toEqual([]);
  });
});
