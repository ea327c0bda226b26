import { MemoryFanOut, MemoryMembership } from '@ocs/adapters-memory';
import { loadConfig, type ChatServerConfig } from '@ocs/config';
import { EngineRpcServer } from '@ocs/engine-rpc';
import { bootstrapApp, createLogger, createMetricsRegistry, type BootstrappedApp } from '@ocs/observability';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { CountersWebInterface, SESSION_ENGINE_SERVICE, SessionEngineModule } from '@ocs/service-session-engine';
import {
  engineRpcUrl,
  espGateway,
  memoryAdapters,
  nodeHealth,
  pushNotifier,
  reportingAttacher,
  sessionEngine,
  webapiGateway,
  wireSessionEngine,
  type ServiceAssembly,
} from '@ocs/wiring';

/**
 * The Helm chart, linted and rendered by a real helm (deploy/local/helm.sh builds it once from the Go module
 * proxy), checked against the product itself: env names through the real configuration loader, probe and drain
 * paths against a running session-engine app, dashboard queries against the metrics the code defines.
 */

const ROOT = resolve(__dirname, '../..');
const CHART = __dirname;
const REQUIRED = Boolean(process.env.CI || process.env.OCS_REQUIRE_SERVICES);

/** The helm binary, installed by deploy/local/helm.sh on first use (minutes the first time). */
function findHelm(): { helm?: string; problem?: string } {
  const run = spawnSync('bash', [join(ROOT, 'deploy/local/helm.sh')], { encoding: 'utf8', timeout: 20 * 60_000 });
  const helm = run.stdout?.trim();
  if (run.status === 0 && helm && existsSync(helm)) return { helm };
  return { problem: `deploy/local/helm.sh failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr?.trim().split('\n').slice(-3).join(' | ')}` };
}

const { helm, problem } = findHelm();
if (!helm && REQUIRED) throw new Error(`helm is needed for the chart tests (CI or OCS_REQUIRE_SERVICES is set): ${problem}`);

interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  data?: Record<string, string>;
  spec?: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  timeoutSeconds?: number;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports: Array<{ name: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: Record<string, unknown>;
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containers: Container[];
    terminationGracePeriodSeconds?: number;
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    securityContext?: Record<string, unknown>;
  };
}
interface Peer {
  podSelector?: { matchLabels: Record<string, string> };
  namespaceSelector?: object;
  ipBlock?: { cidr: string };
}
interface PolicyRule {
  ports?: Array<{ port: number; protocol: string }>;
  from?: Peer[];
  to?: Peer[];
}
interface NetworkPolicy extends K8sObject {
  spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress?: PolicyRule[] | null; egress?: PolicyRule[] };
}
interface Deployment extends K8sObject {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate };
}
interface Service extends K8sObject {
  spec: { clusterIP?: string; selector: Record<string, string>; ports: Array<{ name: string; port: number; targetPort: string | number }> };
}
interface Dashboard {
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
}

const APPS = [
  { component: 'session-engine', port: 8082, replicas: 3, service: sessionEngine, portOption: (s: ChatServerConfig['server']) => s.enginePort },
  { component: 'webapi-gateway', port: 8080, replicas: 2, service: webapiGateway, portOption: (s: ChatServerConfig['server']) => s.webapiPort },
  { component: 'esp-gateway', port: 8081, replicas: 2, service: espGateway, portOption: (s: ChatServerConfig['server']) => s.espPort },
  { component: 'reporting-attacher', port: 8083, replicas: 1, service: reportingAttacher, portOption: (s: ChatServerConfig['server']) => s.reportingPort },
  { component: 'push-notifier', port: 8084, replicas: 1, service: pushNotifier, portOption: (s: ChatServerConfig['server']) => s.pushPort },
] as const;
const serviceOf = (component: string): ServiceAssembly => APPS.find((a) => a.component === component)?.service ?? sessionEngine;

const POD_IP = '10.1.2.3';
const POD_NAME = 'r-open-chat-server-session-engine-5d8f7c9b6-x2x9k';
/** The internal secret of the running session-engine app, given to the chart inline where the drain hook needs it. */
const ENGINE_SECRET = 'the-engine-secret-of-32-characters!';

let workDir = '';

/** What an existing Secret of the operator holds under a key, valid for the option it feeds. */
function secretOfExisting(name: string, key: string): string {
  if (key === 'redis-url') return 'redis://:a-password@redis:6380';
  if (key.includes('token')) return '[]';
  return `${name}-${key}-0123456789abcdefghijklmnop`;
}

/** `helm template` of the chart (release `r`, namespace `chat`) with these values on top of the defaults. */
function render(...layers: object[]): K8sObject[] {
  const files = (layers.length > 0 ? layers : [{}]).flatMap((values) => {
    const file = join(workDir, `values-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, YAML.stringify(values));
    return ['-f', file];
  });
  const text = execFileSync(helmPath(), ['template', 'r', CHART, '--namespace', 'chat', ...files], { encoding: 'utf8' });
  return YAML.parseAllDocuments(text).flatMap((doc) => {
    expect(doc.errors).toEqual([]);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value as K8sObject];
  });
}

/** `helm template` of the chart with the production-like values file of ci/ (and these on top). */
function renderProduction(values: object = {}): K8sObject[] {
  return render(YAML.parse(readFileSync(join(CHART, 'ci/production-values.yaml'), 'utf8')) as object, values);
}

/** Why `helm template` refuses these values (its stderr). */
function refusal(values: object): string {
  const file = join(workDir, 'refused.yaml');
  writeFileSync(file, YAML.stringify(values));
  const run = spawnSync(helmPath(), ['template', 'r', CHART, '-f', file], { encoding: 'utf8' });
  expect(run.status).not.toBe(0);
  return run.stderr;
}

function helmPath(): string {
  if (!helm) throw new Error('helm is missing');
  return helm;
}

const ofKind = <T extends K8sObject>(objects: K8sObject[], kind: string): T[] => objects.filter((o): o is T => o.kind === kind);
const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];

function deployment(objects: K8sObject[], name: string): Deployment {
  const found = ofKind<Deployment>(objects, 'Deployment').find((d) => component(d) === name);
  if (!found) throw new Error(`no Deployment of ${name}`);
  return found;
}

function container(d: Deployment): Container {
  expect(d.spec.template.spec.containers).toHaveLength(1);
  return d.spec.template.spec.containers[0];
}

/**
 * The environment the container gets: its ConfigMap's variables, then its own (which win), with the downward API
 * and Secrets resolved as the kubelet would (a Secret of the chart from its data, another one by `secretValue`).
 */
function environment(objects: K8sObject[], c: Container, secretValue: (name: string, key: string) => string = () => 'from-a-secret'): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    const map = ofKind(objects, 'ConfigMap').find((m) => m.metadata.name === source.configMapRef?.name);
    if (!map?.data) throw new Error(`no ConfigMap ${source.configMapRef?.name}`);
    Object.assign(env, map.data);
  }
  const fields: Record<string, string> = { 'status.podIP': POD_IP, 'metadata.name': POD_NAME };
  for (const v of c.env ?? []) {
    const { fieldRef, secretKeyRef } = v.valueFrom ?? {};
    if (fieldRef) env[v.name] = fields[fieldRef.fieldPath];
    else if (secretKeyRef) {
      const secret = ofKind(objects, 'Secret').find((s) => s.metadata.name === secretKeyRef.name);
      env[v.name] = secret?.data ? Buffer.from(secret.data[secretKeyRef.key], 'base64').toString('utf8') : secretValue(secretKeyRef.name, secretKeyRef.key);
    } else env[v.name] = v.value ?? '';
  }
  return env;
}

/**
 * What the app loads from that environment: the product's own loader, which refuses unknown options and, in cluster
 * mode, a missing secret that the app uses (default: the session engine's).
 */
const configOf = (env: Record<string, string>, component = 'session-engine') =>
  loadConfig({ argv: [], env, cwd: workDir, clusterSecrets: serviceOf(component).clusterSecrets });
/** The configuration one app of these objects loads. */
const appConfig = (objects: K8sObject[], component: string) => configOf(environment(objects, container(deployment(objects, component))), component);

/** Names of the metrics the apps expose: prom-client's defaults as the apps register them, and ours in the code. */
async function definedMetrics(): Promise<Set<string>> {
  const sources: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (entry === 'node_modules' || entry === 'test') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts') && !entry.endsWith('.spec.ts')) sources.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(ROOT, 'apps'));
  walk(join(ROOT, 'libs'));
  // `new Counter({ name: 'ocs_…'` and the like, the plain series' `plainCounter({ name: 'ocs_…'`, and the scrape-time
  // gauges of `AppMetrics.gauge('ocs_…'`.
  const found = sources.flatMap((text) => [
    ...[...text.matchAll(/(?:new (Gauge|Counter|Histogram|Summary)|plain(Counter|Histogram))\(\s*\{\s*name: '(ocs_[a-z0-9_]+)'/g)].map((m) => ({
      kind: m[1] ?? m[2],
      name: m[3],
    })),
    ...[...text.matchAll(/\.gauge\(\s*'(ocs_[a-z0-9_]+)'/g)].map((m) => ({ kind: 'Gauge', name: m[1] })),
  ]);
  const ours = found.flatMap(({ kind, name }) => (kind === 'Histogram' ? ['_bucket', '_sum', '_count'].map((suffix) => name + suffix) : [name]));
  expect(ours).toEqual(expect.arrayContaining(['ocs_sessions_held', 'ocs_cassandra_available', 'ocs_requests_total', 'ocs_engine_nodes_alive']));
  const names = new Set(ours);
  for (const metric of await createMetricsRegistry().getMetricsAsJSON()) {
    names.add(metric.name);
    // Its types declare a numeric enum, but it answers the type as text.
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

/** promtool, built once by deploy/local/promtool.sh from the Go module proxy (minutes the first time). */
function findPromtool(): { path?: string; problem?: string } {
  const run = spawnSync('bash', [join(ROOT, 'deploy/local/promtool.sh')], { encoding: 'utf8', timeout: 20 * 60_000 });
  const path = run.stdout?.trim();
  if (run.status === 0 && path && existsSync(path)) return { path };
  return { problem: `deploy/local/promtool.sh failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr?.trim().split('\n').slice(-3).join(' | ')}` };
}

/**
 * promtool unit tests of the rendered alerts (release r, namespace chat, limit-for-sessions 1000): each fires on
 * the series that should set it off, after its `for`, and stays quiet on healthy ones.
 */
function alertScenarios(rulesFile: string, descriptions: Record<string, string>): object {
  /** An alert expected at that time, with its labels and its summary as Alertmanager gets it. */
  const firing = (alertname: string, labels: Record<string, string>, summary: string) => ({
    alertname,
    exp_alerts: [{ exp_labels: labels, exp_annotations: { summary, description: descriptions[alertname] } }],
  });
  const of = (labels: string) => `{namespace="chat", app_kubernetes_io_instance="r", ${labels}}`;
  return {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: [
          { series: `ocs_engine_nodes_alive${of('pod="gw-1"')}`, values: '2 2 0x10' },
          { series: `ocs_cassandra_available${of('pod="engine-1"')}`, values: '1 0x10' },
          { series: `ocs_cassandra_available${of('pod="engine-2"')}`, values: '1x12' },
          { series: `ocs_sessions_held${of('pod="engine-1"')}`, values: '950x10' },
          { series: `ocs_sessions_held${of('pod="engine-2"')}`, values: '100x10' },
          { series: `ocs_requests_total${of('api="gms-rest", operation="send", status="200"')}`, values: '0+90x20' },
          { series: `ocs_requests_total${of('api="gms-rest", operation="send", status="503"')}`, values: '0+10x20' },
          { series: `ocs_requests_total${of('api="esp", operation="Message", status="200"')}`, values: '0+100x20' },
        ],
        alert_rule_test: [
          { eval_time: '10m', ...firing('OcsNoEngineAlive', { severity: 'critical' }, 'No session-engine node is alive in the membership') },
          { eval_time: '1m', alertname: 'OcsNoEngineAlive', exp_alerts: [] },
          { eval_time: '5m', ...firing('OcsCassandraUnavailable', { severity: 'critical', pod: 'engine-1' }, 'Cassandra is unavailable to engine-1') },
          {
            eval_time: '6m',
            ...firing('OcsSessionsNearLimit', { severity: 'warning', pod: 'engine-1' }, 'engine-1 holds 950 sessions, near its limit-for-sessions of 1000'),
          },
          { eval_time: '15m', ...firing('OcsApiErrorRatioHigh', { severity: 'warning', api: 'gms-rest' }, 'More than 10% of gms-rest requests fail') },
        ],
      },
      {
        interval: '1m',
        input_series: [
          { series: `ocs_kafka_consumer_lag_records${of('pod="engine-1", group="interaction-bridge"')}`, values: '0+200x40' },
          { series: `ocs_kafka_consumer_lag_records${of('pod="engine-1", group="push-notifier"')}`, values: '5000x40' },
        ],
        alert_rule_test: [
          {
            eval_time: '35m',
            ...firing(
              'OcsKafkaConsumerLagGrowing',
              { severity: 'warning', group: 'interaction-bridge' },
              'Consumer group interaction-bridge is 7000 records behind, and falling further behind',
            ),
          },
        ],
      },
    ],
  };
}

/**
 * A session-engine app as main.ts starts it in cluster mode, on memory adapters (no Cassandra, Kafka, Redis), with
 * its health port (GET /Counters) on a free port.
 */
async function startSessionEngine() {
  const logger = createLogger({ service: 'chart-test', level: 'silent' });
  const config = configOf({ OCS__server__health_port: '0', OCS__server__health_host: '127.0.0.1' });
  const { engine, tasks, counters } = wireSessionEngine(config, logger, memoryAdapters());
  const membership = new MemoryMembership();
  const app: BootstrappedApp = await bootstrapApp(
    SessionEngineModule.forRoot(engine, tasks, {
      heartbeat: { membership, nodeId: POD_NAME, url: `http://${POD_IP}:8082/engine/rpc`, intervalMs: 200, ttlMs: 5000 },
      storage: { isAvailable: () => true },
      rpc: new EngineRpcServer({ engine, fanOut: new MemoryFanOut() }),
      secret: ENGINE_SECRET,
      close: async () => undefined,
    }, nodeHealth(config, counters, POD_NAME)),
    { service: SESSION_ENGINE_SERVICE, host: '127.0.0.1', port: 0, logger },
  );
  await engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
  const health = app.app.get(CountersWebInterface, { strict: false }).url;
  return { app, membership, port: Number(new URL(app.url).port), health };
}

interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
}

const describeWithHelm = helm ? describe : describe.skip;

describeWithHelm(`helm chart open-chat-server${helm ? '' : ` (not tested: ${problem})`}`, () => {
  let defaults: K8sObject[] = [];

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'ocs-chart-'));
    defaults = render();
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('passes helm lint --strict, with the default values and with overrides', () => {
    const overrides = join(workDir, 'lint.yaml');
    writeFileSync(overrides, YAML.stringify({ webapiGateway: { autoscaling: { enabled: true } }, metrics: { serviceMonitor: { enabled: true } }, pushNotifier: { enabled: false } }));
    for (const extra of [[], ['-f', overrides], ['-f', join(CHART, 'ci/production-values.yaml')]]) {
      const run = spawnSync(helmPath(), ['lint', '--strict', CHART, ...extra], { encoding: 'utf8' });
      expect({ status: run.status, output: run.stdout + run.stderr }).toMatchObject({ status: 0 });
    }
  });

  it('runs each app from the one image by its main, on its port, with a Service on that port', () => {
    const services = ofKind<Service>(defaults, 'Service');
    for (const app of APPS) {
      const d = deployment(defaults, app.component);
      const c = container(d);
      expect(d.metadata.name).toBe(`r-open-chat-server-${app.component}`);
      expect(d.spec.replicas).toBe(app.replicas);
      expect(c.image).toBe('open-chat-server:0.1.0');
      // args, not command: the image's entrypoint (tini) stays PID 1 and passes SIGTERM on.
      expect(c.command).toBeUndefined();
      expect(c.args).toEqual(['node', `dist/apps/${app.component}/src/main.js`]);
      expect(existsSync(join(ROOT, 'apps', app.component, 'src/main.ts'))).toBe(true);
      // The session engine also opens its health port (GET /Counters).
      const health = app.component === 'session-engine' ? [{ name: 'health', containerPort: 8085, protocol: 'TCP' }] : [];
      expect(c.ports).toEqual([{ name: 'http', containerPort: app.port, protocol: 'TCP' }, ...health]);
      expect(app.portOption(appConfig(defaults, app.component).server)).toBe(app.port);
      const service = services.find((s) => s.metadata.name === d.metadata.name);
      expect(service?.spec.selector).toEqual(d.spec.template.metadata.labels);
      const healthPort = health.map(() => ({ name: 'health', port: 8085, targetPort: 'health', protocol: 'TCP' }));
      expect(service?.spec.ports).toEqual([{ name: 'http', port: app.port, targetPort: 'http', protocol: 'TCP' }, ...healthPort]);
    }
    const headless = services.find((s) => s.metadata.name === 'r-open-chat-server-esp-gateway-headless');
    expect(headless?.spec).toMatchObject({ clusterIP: 'None', selector: deployment(defaults, 'esp-gateway').spec.template.metadata.labels });
    const dockerfile = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
  });

  it('configures the session engine for the cluster: mode, pod IP announced, pod name as node id, auto-save, restoration', () => {
    const c = container(deployment(defaults, 'session-engine'));
    expect(c.env).toEqual(
      expect.arrayContaining([
        { name: 'OCS__server__host', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'OCS__cluster__node_id', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ]),
    );
    const config = configOf(environment(defaults, c));
    expect(config.cluster).toMatchObject({ mode: 'cluster', nodeId: POD_NAME });
    expect(config.server).toMatchObject({ host: POD_IP, enginePort: 8082 });
    expect(config.settings).toMatchObject({ transcriptAutoSave: 1, sessionRestorationMode: 'simple', sessionRestoreExtendBy: 'both' });
    expect(config.cassandra).toMatchObject({ contactPoints: ['cassandra'], port: 9042, keyspace: 'chat', readConsistency: 'QUORUM', writeConsistency: 'QUORUM' });
    expect(config.kafka).toMatchObject({ brokers: ['kafka:9092'], namePrefix: '' });
    expect(config.redis.url).toBe('redis://redis:6379');
    // What the node announces is built from exactly these two options.
    expect(engineRpcUrl(config.server)).toBe(`http://${POD_IP}:8082/engine/rpc`);
    expect(engineRpcUrl({ ...config.server, host: 'fd00::17' })).toBe('http://[fd00::17]:8082/engine/rpc');
    for (const app of APPS.filter((a) => a.component !== 'session-engine')) {
      expect(appConfig(defaults, app.component).server.host).toBe('0.0.0.0');
    }
  });

  it('maps any option of values config to its variable, open sections keeping their names', () => {
    const objects = render({
      config: { settings: { 'flex-disconnect-timeout': 1209600 }, services: { 'sales-chat': '2:default' }, 'endpoints:2': { default: 'sales_inbound' }, 'agent-api': {} },
    });
    const config = appConfig(objects, 'webapi-gateway');
    expect(config.settings.flexDisconnectTimeout).toBe(1209600);
    expect(config.services).toMatchObject({ 'sales-chat': { tenantDbid: 2, endpoint: 'default' } });
    expect(config.endpoints[2]).toMatchObject({ default: 'sales_inbound' });
  });

  it('gives every app the Kafka name prefix of values config', () => {
    const objects = render({ config: { kafka: { 'name-prefix': 'staging.' } } });
    for (const app of APPS) {
      expect(appConfig(objects, app.component).kafka.namePrefix).toBe('staging.');
    }
    const map = ofKind(objects, 'ConfigMap').find((m) => m.metadata.name === 'r-open-chat-server');
    expect(map?.data).toMatchObject({ OCS__kafka__name_prefix: 'staging.' });
  });

  it('refuses config options the chart sets itself, and secrets in config', () => {
    expect(refusal({ config: { cluster: { mode: 'embedded' } } })).toContain('config.cluster.mode is set by the chart');
    expect(refusal({ config: { server: { 'engine-port': 9000 } } })).toContain('config.server.engine-port is set by the chart');
    expect(refusal({ config: { cassandra: { password: 'x' } } })).toContain('config.cassandra.password is set by the chart');
    expect(refusal({ config: { server: { 'health-port': 9000 } } })).toContain('config.server.health-port is set by the chart');
  });

  it('references secrets from Secrets, never inlines them, and gives each only to the app that reads it', () => {
    const existing = render({
      secrets: {
        agentTokens: { existingSecret: 'desk-tokens', key: 'tokens' },
        cassandra: { existingSecret: 'cassandra-login' },
        redisUrl: { existingSecret: 'redis-login' },
        internal: { existingSecret: 'ocs-internal' },
      },
    });
    expect(ofKind(existing, 'Secret')).toEqual([]);
    const env = (name: string) => container(deployment(existing, name)).env ?? [];
    expect(env('webapi-gateway')).toContainEqual({ name: 'OCS__agent_api__tokens', valueFrom: { secretKeyRef: { name: 'desk-tokens', key: 'tokens' } } });
    expect(env('session-engine')).toEqual(
      expect.arrayContaining([
        { name: 'OCS__cassandra__username', valueFrom: { secretKeyRef: { name: 'cassandra-login', key: 'cassandra-username' } } },
        { name: 'OCS__cassandra__password', valueFrom: { secretKeyRef: { name: 'cassandra-login', key: 'cassandra-password' } } },
      ]),
    );
    for (const app of APPS) {
      const names = env(app.component).map((v) => v.name);
      expect(names.includes('OCS__agent_api__tokens')).toBe(app.component === 'webapi-gateway');
      expect(names.includes('OCS__cassandra__password')).toBe(app.component === 'session-engine');
      expect(env(app.component)).toContainEqual({ name: 'OCS__redis__url', valueFrom: { secretKeyRef: { name: 'redis-login', key: 'redis-url' } } });
      const internal = { name: 'OCS__cluster__internal_secret', valueFrom: { secretKeyRef: { name: 'ocs-internal', key: 'internal-secret' } } };
      const esp = { name: 'OCS__server__esp_secret', valueFrom: { secretKeyRef: { name: 'ocs-internal', key: 'esp-secret' } } };
      // Exactly the secrets the app uses, as its own service declares them (and it starts with only those).
      const uses = app.service.clusterSecrets;
      expect(env(app.component).filter((v) => v.name === internal.name)).toEqual(uses.includes('internal-secret') ? [internal] : []);
      expect(env(app.component).filter((v) => v.name === esp.name)).toEqual(uses.includes('esp-secret') ? [esp] : []);
      expect(names.includes('OCS__server__esp_secret')).toBe(app.component === 'esp-gateway');
      expect(names.includes('OCS__cluster__internal_secret')).toBe(['session-engine', 'webapi-gateway', 'esp-gateway'].includes(app.component));
      expect(() => configOf(environment(existing, container(deployment(existing, app.component)), secretOfExisting), app.component)).not.toThrow();
    }

    const tokens = [{ name: 'desktop', secret: 'a-long-agent-secret-0123', 'user-types': ['AGENT', 'SUPERVISOR'] }];
    const inline = render({ secrets: { agentTokens: { tokens }, cassandra: { username: 'chat', password: 'cassandra-password-42' } } });
    const [secret] = ofKind(inline, 'Secret');
    expect(secret.metadata.name).toBe('r-open-chat-server');
    const outsideSecrets = YAML.stringify(inline.filter((o) => o.kind !== 'Secret'));
    for (const plain of ['a-long-agent-secret-0123', 'cassandra-password-42']) {
      expect(outsideSecrets).not.toContain(plain);
      expect(outsideSecrets).not.toContain(Buffer.from(plain).toString('base64'));
    }
    const webapi = appConfig(inline, 'webapi-gateway');
    expect(webapi.agentApi.tokens).toEqual([{ name: 'desktop', secret: 'a-long-agent-secret-0123', userTypes: ['AGENT', 'SUPERVISOR'] }]);
    const engine = appConfig(inline, 'session-engine');
    expect(engine.cassandra).toMatchObject({ username: 'chat', password: 'cassandra-password-42' });
  });

  it('generates the internal and ESP secrets where none is given, the same for every app using them, and takes inline ones', () => {
    const internals = (objects: K8sObject[]) => ['session-engine', 'webapi-gateway', 'esp-gateway'].map((name) => appConfig(objects, name).cluster.internalSecret);
    const secrets = (objects: K8sObject[]) => [internals(objects)[0], appConfig(objects, 'esp-gateway').server.espSecret];
    expect(new Set(internals(defaults)).size).toBe(1);
    const [internal, esp] = secrets(defaults);
    expect(internal).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(esp).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(esp).not.toBe(internal);
    const given = render({ secrets: { internal: { internalSecret: 'an-internal-secret-of-32-characters', espSecret: 'an-esp-secret-of-at-least-32-characters' } } });
    expect(secrets(given)).toEqual(['an-internal-secret-of-32-characters', 'an-esp-secret-of-at-least-32-characters']);
  });

  describe('against a running session-engine app', () => {
    let engine: Awaited<ReturnType<typeof startSessionEngine>>;

    beforeAll(async () => {
      engine = await startSessionEngine();
    });

    afterAll(async () => {
      await engine?.app.app.close();
    });

    it('points probes and scrapes at paths the apps answer', async () => {
      for (const app of APPS) {
        const d = deployment(defaults, app.component);
        const c = container(d);
        const probes = [c.startupProbe, c.livenessProbe, c.readinessProbe];
        expect(probes.map((p) => p?.httpGet)).toEqual([
          { path: '/health/live', port: 'http' },
          { path: '/health/live', port: 'http' },
          { path: '/health/ready', port: 'http' },
        ]);
        // Each readiness check fails after 2 s without an answer: the probe waits longer than that.
        expect(c.readinessProbe?.timeoutSeconds).toBeGreaterThanOrEqual(3);
        expect(d.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(app.port), 'prometheus.io/path': '/metrics' });
      }
      const c = container(deployment(defaults, 'session-engine'));
      for (const path of [c.livenessProbe?.httpGet?.path, c.readinessProbe?.httpGet?.path]) {
        expect((await fetch(`${engine.app.url}${path}`)).status).toBe(200);
      }
      expect(await (await fetch(`${engine.app.url}/metrics`)).text()).toMatch(/^ocs_sessions_held 1$/m);
    });

    it('serves the KPI counters on the health port the chart gives the engine, bound where the Service reaches it', async () => {
      const c = container(deployment(defaults, 'session-engine'));
      expect(configOf(environment(defaults, c)).server).toMatchObject({ healthPort: 8085, healthHost: '0.0.0.0' });
      for (const app of APPS.filter((a) => a.component !== 'session-engine')) {
        expect(appConfig(defaults, app.component).server.healthPort).toBeUndefined();
      }
      const reply = await fetch(`${engine.health}/Counters?content=set`);
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ session_created: 1, user_joined_flex: 1 });
      // Without a health port: no port on the pod or the Service, nothing for the engine to serve.
      const none = render({ ports: { health: null } });
      const bare = container(deployment(none, 'session-engine'));
      expect(bare.ports).toEqual([{ name: 'http', containerPort: 8082, protocol: 'TCP' }]);
      expect(configOf(environment(none, bare)).server.healthPort).toBeUndefined();
    });

    it('drains the node before it stops: the preStop hook posts /engine/drain on the engine port, then waits', async () => {
      const d = deployment(defaults, 'session-engine');
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(150);
      const hook = container(d).lifecycle?.preStop?.exec?.command ?? [];
      expect(hook.slice(0, 2)).toEqual(['node', '-e']);
      expect(hook[2]).toContain("process.env.OCS__server__host + ':8082/engine/drain'");

      // The same hook, rendered for the test app's port, run as the kubelet would (the pod's env).
      const run = async (drain: object) => {
        const objects = render({ ports: { engine: engine.port }, sessionEngine: { drain }, secrets: { internal: { internalSecret: ENGINE_SECRET } } });
        const c = container(deployment(objects, 'session-engine'));
        const script = c.lifecycle?.preStop?.exec?.command[2] ?? '';
        const started = Date.now();
        const { stdout } = await promisify(execFile)('node', ['-e', script], { env: { ...process.env, ...environment(objects, c), OCS__server__host: '127.0.0.1' } });
        return { stdout, seconds: (Date.now() - started) / 1000 };
      };
      // Holds one session, may stop with one: the drain is announced and the hook returns at once.
      const quick = await run({ untilSessions: 1, waitSeconds: 60 });
      expect(quick.stdout).toContain(`drained: {"nodeId":"${POD_NAME}","draining":true,"sessions":1}`);
      expect(quick.seconds).toBeLessThan(5);
      expect((await engine.membership.alive()).find((n) => n.nodeId === POD_NAME)).toMatchObject({ draining: true, sessions: 1 });
      // Waits for the last session until waitSeconds, then lets the pod stop.
      const bounded = await run({ untilSessions: 0, waitSeconds: 3 });
      expect(bounded.seconds).toBeGreaterThanOrEqual(3);
      expect(bounded.seconds).toBeLessThan(10);

      expect(deployment(render({ sessionEngine: { drain: { enabled: false } } }), 'session-engine').spec.template.spec).toMatchObject({ terminationGracePeriodSeconds: 30 });
      expect(container(deployment(render({ sessionEngine: { drain: { enabled: false } } }), 'session-engine')).lifecycle).toBeUndefined();
    }, 30_000);
  });

  it('keeps session engines available through voluntary disruptions and rolls them one new node at a time', () => {
    const d = deployment(defaults, 'session-engine');
    const pdb = ofKind<K8sObject & { spec: { maxUnavailable: number; selector: { matchLabels: Record<string, string> } } }>(defaults, 'PodDisruptionBudget').find(
      (o) => component(o) === 'session-engine',
    );
    if (!pdb) throw new Error('no PodDisruptionBudget of the session engines');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: d.spec.template.metadata.labels } });
    expect(d.spec).toMatchObject({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  });

  it('removes every object of a disabled app', () => {
    const objects = render({ espGateway: { enabled: false }, reportingAttacher: { enabled: false }, pushNotifier: { enabled: false } });
    const components = new Set(objects.map(component).filter(Boolean));
    expect([...components].sort()).toEqual(['session-engine', 'webapi-gateway']);
    expect(ofKind(objects, 'Deployment')).toHaveLength(2);
    expect(ofKind(objects, 'Service')).toHaveLength(2);
    const noEngine = render({ sessionEngine: { enabled: false } });
    expect(noEngine.filter((o) => component(o) === 'session-engine')).toEqual([]);
  });

  it('autoscales gateways on request, and makes a ServiceMonitor copying the labels the dashboard filters on', () => {
    const objects = render({ webapiGateway: { autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 9 } }, metrics: { serviceMonitor: { enabled: true } } });
    expect(deployment(objects, 'webapi-gateway').spec.replicas).toBeUndefined();
    expect(deployment(objects, 'esp-gateway').spec.replicas).toBe(2);
    const [hpa] = ofKind(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'r-open-chat-server-webapi-gateway' }, minReplicas: 3, maxReplicas: 9 });
    expect(ofKind(defaults, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(ofKind(defaults, 'ServiceMonitor')).toEqual([]);

    const [monitor] = ofKind(objects, 'ServiceMonitor');
    expect(monitor.spec).toMatchObject({
      endpoints: [{ port: 'http', path: '/metrics' }],
      podTargetLabels: ['app.kubernetes.io/instance', 'app.kubernetes.io/component'],
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'r' }, matchExpressions: [{ key: 'open-chat-server/headless', operator: 'DoesNotExist' }] },
    });
  });

  it('makes a PrometheusRule only when asked, whose rules promtool accepts and whose alerts fire as meant', async () => {
    expect(ofKind(defaults, 'PrometheusRule')).toEqual([]);
    const [rule] = ofKind(
      render({ metrics: { prometheusRule: { enabled: true, labels: { release: 'kube-prometheus' } } }, config: { settings: { 'limit-for-sessions': 1000 } } }),
      'PrometheusRule',
    );
    expect(rule.metadata).toMatchObject({ name: 'r-open-chat-server', labels: { release: 'kube-prometheus' } });
    const spec = rule.spec as { groups: Array<{ rules: Array<{ alert: string; expr: string; annotations: { description: string } }> }> };
    const alerts = spec.groups.flatMap((group) => group.rules);
    expect(alerts.map((a) => a.alert)).toEqual([
      'OcsApiErrorRatioHigh',
      'OcsApiLatencyP99High',
      'OcsKafkaConsumerLagGrowing',
      'OcsNoEngineAlive',
      'OcsCassandraUnavailable',
      'OcsSessionsNearLimit',
    ]);
    const defined = await definedMetrics();
    for (const { expr } of alerts) for (const [name] of expr.matchAll(/\bocs_[a-z0-9_]+/g)) expect({ expr, name, defined: defined.has(name) }).toMatchObject({ defined: true });
    expect(alerts.find((a) => a.alert === 'OcsSessionsNearLimit')?.expr).toMatch(/> 900$/);

    const promtool = findPromtool();
    if (!promtool.path) {
      if (REQUIRED) throw new Error(`promtool is needed to check the alert rules (CI or OCS_REQUIRE_SERVICES is set): ${promtool.problem}`);
      process.stderr.write(`chart.spec: promtool not run on the alert rules: ${promtool.problem}\n`);
      return;
    }
    const rules = join(workDir, 'rules.yaml');
    writeFileSync(rules, YAML.stringify(spec));
    const check = spawnSync(promtool.path, ['check', 'rules', rules], { encoding: 'utf8' });
    expect({ status: check.status, out: check.stdout + check.stderr }).toMatchObject({ status: 0, out: expect.stringContaining('SUCCESS: 6 rules found') });
    const tests = join(workDir, 'rules.test.yaml');
    writeFileSync(tests, YAML.stringify(alertScenarios(rules, Object.fromEntries(alerts.map((a) => [a.alert, a.annotations.description])))));
    const test = spawnSync(promtool.path, ['test', 'rules', tests], { encoding: 'utf8' });
    expect({ status: test.status, out: test.stdout + test.stderr }).toMatchObject({ status: 0, out: expect.stringContaining('SUCCESS') });
  });

  it('ships a Grafana dashboard whose queries name only metrics the apps define', async () => {
    const dashboards = ofKind(defaults, 'ConfigMap').filter((m) => m.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards.map((m) => m.metadata.name)).toEqual(['r-open-chat-server-dashboard']);
    const dashboard = JSON.parse(dashboards[0].data?.['open-chat-server.json'] ?? '') as Dashboard;
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    const defined = await definedMetrics();
    const used = new Set<string>();
    for (const expr of exprs) {
      const names = [...expr.matchAll(/\bocs_[a-z0-9_]+/g)].map((m) => m[0]);
      expect({ expr, names: names.length }).not.toMatchObject({ names: 0 });
      for (const name of names) {
        expect({ expr, name, defined: defined.has(name) }).toMatchObject({ defined: true });
        used.add(name);
      }
      // prom-client's defaults exist only with the apps' ocs_ prefix.
      expect(expr).not.toMatch(/(?<!ocs_)\b(process|nodejs)_[a-z_]+/);
      // Labels the ServiceMonitor copies (and Prometheus' pod discovery maps) from the pods.
      for (const [, label] of expr.matchAll(/\b(app_kubernetes_io_[a-z_]+)=/g)) expect(['app_kubernetes_io_instance', 'app_kubernetes_io_component']).toContain(label);
    }
    expect([...used]).toEqual(expect.arrayContaining(['ocs_sessions_held', 'ocs_cassandra_available', 'ocs_process_cpu_seconds_total', 'ocs_nodejs_eventloop_lag_p99_seconds']));
    expect(ofKind(render({ grafana: { dashboard: { enabled: false } } }), 'ConfigMap').map((m) => m.metadata.name)).toEqual(['r-open-chat-server']);
  });

  describe('security and shutdown', () => {
    const labelsOf = (objects: K8sObject[], name: string) => deployment(objects, name).spec.template.metadata.labels;
    const policyOf = (objects: K8sObject[], name: string): NetworkPolicy => {
      const found = ofKind<NetworkPolicy>(objects, 'NetworkPolicy').find((p) => component(p) === name);
      if (!found) throw new Error(`no NetworkPolicy of ${name}`);
      return found;
    };
    const ports = (rule: PolicyRule) => (rule.ports ?? []).map((p) => `${p.port}/${p.protocol}`);

    it('runs every pod under the release ServiceAccount without a token, non-root, read-only, without capabilities', () => {
      const [account] = ofKind<K8sObject & { automountServiceAccountToken?: boolean }>(defaults, 'ServiceAccount');
      expect(account).toMatchObject({ metadata: { name: 'r-open-chat-server' }, automountServiceAccountToken: false });
      for (const app of APPS) {
        const pod = deployment(defaults, app.component).spec.template.spec;
        expect(pod).toMatchObject({ serviceAccountName: 'r-open-chat-server', automountServiceAccountToken: false, securityContext: { runAsNonRoot: true } });
        expect(container(deployment(defaults, app.component)).securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
      const own = render({ serviceAccount: { create: false, name: 'chat-runtime' } });
      expect(ofKind(own, 'ServiceAccount')).toEqual([]);
      expect(deployment(own, 'session-engine').spec.template.spec).toMatchObject({ serviceAccountName: 'chat-runtime', automountServiceAccountToken: false });
    });

    it('admits the engine port only from the release engines and gateways, ESP only from its sources, the customer API from anyone', () => {
      for (const objects of [defaults, renderProduction()]) {
        const engine = policyOf(objects, 'session-engine');
        expect(engine.spec.podSelector.matchLabels).toEqual(labelsOf(objects, 'session-engine'));
        expect(engine.spec.policyTypes).toEqual(['Ingress', 'Egress']);
        const engineRule = engine.spec.ingress?.find((r) => r.from?.some((p) => p.podSelector));
        expect(engineRule?.from).toEqual(['session-engine', 'webapi-gateway', 'esp-gateway'].map((name) => ({ podSelector: { matchLabels: labelsOf(objects, name) } })));
        expect(ports(engineRule ?? {})).toEqual(['8082/TCP']);
        // Every rule of the engine names its sources: nothing opens the engine port to any address.
        for (const rule of engine.spec.ingress ?? []) expect(rule.from?.length).toBeGreaterThan(0);
        const webapi = policyOf(objects, 'webapi-gateway').spec.ingress ?? [];
        expect(webapi[0]).toEqual({ ports: [{ port: 8080, protocol: 'TCP' }] });
        for (const quiet of ['reporting-attacher', 'push-notifier']) {
          for (const rule of policyOf(objects, quiet).spec.ingress ?? []) expect(rule.from?.length).toBeGreaterThan(0);
        }
      }
      // By default nobody reaches ESP; the production values admit Interaction Server's pods and a network, and Prometheus.
      expect(policyOf(defaults, 'esp-gateway').spec.ingress ?? []).toEqual([]);
      const production = renderProduction();
      const esp = policyOf(production, 'esp-gateway').spec.ingress ?? [];
      expect(esp).toEqual([
        {
          ports: [{ port: 8081, protocol: 'TCP' }],
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'genesys' } }, podSelector: { matchLabels: { app: 'interaction-server' } } },
            { ipBlock: { cidr: '10.20.0.0/16' } },
          ],
        },
        { ports: [{ port: 8081, protocol: 'TCP' }], from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
      ]);
      expect(ofKind(render({ networkPolicy: { enabled: false } }), 'NetworkPolicy')).toEqual([]);
    });

    it('admits the health port (GET /Counters) only from the metrics scrapers and countersSources', () => {
      const healthRules = (objects: K8sObject[]) => (policyOf(objects, 'session-engine').spec.ingress ?? []).filter((r) => ports(r).includes('8085/TCP'));
      // By default nobody from outside the pod; the production values admit Prometheus as they do for /metrics.
      expect(healthRules(defaults)).toEqual([]);
      const monitoring = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
      expect(healthRules(renderProduction())).toEqual([{ ports: [{ port: 8085, protocol: 'TCP' }], from: [monitoring] }]);
      const operators = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'chat-operators' } } };
      expect(healthRules(renderProduction({ networkPolicy: { countersSources: [operators] } }))).toEqual([
        { ports: [{ port: 8085, protocol: 'TCP' }], from: [monitoring, operators] },
      ]);
      // The gateways' policies never open it.
      const opened = renderProduction({ networkPolicy: { countersSources: [operators] } });
      for (const name of ['webapi-gateway', 'esp-gateway']) expect((policyOf(opened, name).spec.ingress ?? []).flatMap(ports)).not.toContain('8085/TCP');
    });

    it('lets the apps connect only to DNS, Cassandra, Kafka and Redis on their configured ports, the engines, and the push receiver', () => {
      const egress = (objects: K8sObject[], name: string) => policyOf(objects, name).spec.egress ?? [];
      const defaultPorts = ['53/UDP', '53/TCP', '9042/TCP', '9092/TCP', '6379/TCP'];
      expect(egress(defaults, 'push-notifier').flatMap(ports)).toEqual(defaultPorts);
      expect(egress(defaults, 'webapi-gateway').flatMap(ports)).toEqual([...defaultPorts, '8082/TCP']);
      expect(egress(defaults, 'webapi-gateway').at(-1)?.to).toEqual([{ podSelector: { matchLabels: labelsOf(defaults, 'session-engine') } }]);

      const production = renderProduction();
      const productionPorts = ['53/UDP', '53/TCP', '9142/TCP', '9093/TCP', '9094/TCP', '6380/TCP'];
      expect(egress(production, 'session-engine').flatMap(ports)).toEqual([...productionPorts, '8082/TCP']);
      expect(egress(production, 'reporting-attacher').flatMap(ports)).toEqual(productionPorts);
      const push = egress(production, 'push-notifier');
      expect(push.flatMap(ports)).toEqual([...productionPorts, '8443/TCP']);
      expect(push.at(-1)?.to).toEqual([{ ipBlock: { cidr: '203.0.113.0/24' } }]);
      expect(push[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
      // The Redis port read from the URL when it is in config; egress off drops the rules.
      expect(egress(render({ config: { redis: { url: 'redis://:pw@redis-master:6390/0' } } }), 'esp-gateway').flatMap(ports)).toContain('6390/TCP');
      expect(policyOf(render({ networkPolicy: { egress: { enabled: false } } }), 'session-engine').spec).not.toHaveProperty('egress');
    });

    it('lets the esp-gateway reach the deciders of the external routing queues, on their ports, to the peers given', () => {
      const config = {
        'queue:vip': { strategy: 'external', 'external-url': 'https://decider.example/route' },
        'queue:gold': { strategy: 'external', 'external-url': 'http://decider.internal:8090/route' },
        'queue:sales': { strategy: 'least-busy' },
      };
      const peers = [{ ipBlock: { cidr: '198.51.100.0/24' } }];
      const esp = policyOf(render({ config, networkPolicy: { egress: { externalDeciders: peers } } }), 'esp-gateway').spec.egress ?? [];
      const deciders = esp.filter((rule) => JSON.stringify(rule.to) === JSON.stringify(peers));
      expect(deciders.flatMap(ports).sort()).toEqual(['443/TCP', '8090/TCP']);
      expect(policyOf(render({ config }), 'webapi-gateway').spec.egress?.flatMap(ports)).not.toContain('8090/TCP');
    });

    it('renders the production-like values into objects every app starts from', () => {
      const objects = renderProduction();
      for (const app of APPS) {
        const d = deployment(objects, app.component);
        expect(d.spec.template.spec).toMatchObject({ automountServiceAccountToken: false });
        expect(container(d).image).toBe('registry.example/chat/open-chat-server:0.1.0');
        expect(container(d).readinessProbe).toMatchObject({ periodSeconds: 10, timeoutSeconds: 4, failureThreshold: 3 });
        const config = configOf(environment(objects, container(d), secretOfExisting), app.component);
        expect(config.kafka).toMatchObject({ namePrefix: 'prod.', replicationFactor: 3 });
        expect(config.server.corsOrigins).toEqual(['https://shop.example', 'https://m.shop.example']);
      }
      expect(ofKind(objects, 'Secret')).toEqual([]);
      expect(ofKind(objects, 'PodDisruptionBudget').map(component)).toEqual(['session-engine', 'webapi-gateway', 'esp-gateway']);
    });

    it('lets a stopping gateway finish its CometD long-polls: preStop wait and grace period beyond cometd-timeout, and a PDB', async () => {
      for (const [objects, timeout] of [
        [defaults, 25],
        [renderProduction(), 40],
      ] as const) {
        for (const name of ['webapi-gateway', 'esp-gateway']) {
          const d = deployment(objects, name);
          const hook = container(d).lifecycle?.preStop?.exec?.command ?? [];
          expect(hook).toEqual(['node', '-e', `setTimeout(() => undefined, ${timeout + 5} * 1000)`]);
          expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(timeout + 20);
          const pdb = ofKind<K8sObject & { spec: object }>(objects, 'PodDisruptionBudget').find((o) => component(o) === name);
          expect(pdb?.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: d.spec.template.metadata.labels } });
        }
      }
      for (const name of ['reporting-attacher', 'push-notifier']) expect(container(deployment(defaults, name)).lifecycle).toBeUndefined();
      // The hook runs with the image's node and returns after its wait.
      const quick = render({ webapiGateway: { shutdown: { preStopSeconds: 1 } } });
      const [, , script] = container(deployment(quick, 'webapi-gateway')).lifecycle?.preStop?.exec?.command ?? [];
      const started = Date.now();
      await promisify(execFile)('node', ['-e', script]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(deployment(quick, 'webapi-gateway').spec.template.spec.terminationGracePeriodSeconds).toBe(16);
      expect(refusal({ webapiGateway: { shutdown: { preStopSeconds: 60, terminationGracePeriodSeconds: 30 } } })).toContain(
        'terminationGracePeriodSeconds 30 of a gateway must be longer than its preStop wait of 60 s',
      );
    });

    it('refuses bad values at install with the path of the value (values.schema.json)', () => {
      const refusals: Array<[object, string]> = [
        [{ sessionEngine: { replicas: -1 } }, "at '/sessionEngine/replicas'"],
        [{ sessionEngine: { replicas: 'three' } }, "at '/sessionEngine/replicas'"],
        [{ image: { pullPolicy: 'Sometimes' } }, "at '/image/pullPolicy'"],
        [{ ports: { engine: 70000 } }, "at '/ports/engine'"],
        [{ ports: { health: 0 } }, "at '/ports/health'"],
        [{ networkPolicy: { countersSources: [{ ipBlock: {} }] } }, "at '/networkPolicy/countersSources/0/ipBlock'"],
        [{ webapiGateway: { service: { type: 'Ingress' } } }, "at '/webapiGateway/service/type'"],
        [{ networkPolicy: { espSources: [{ ipBlock: { cidr: '10.0.0.0' } }] } }, "at '/networkPolicy/espSources/0/ipBlock/cidr'"],
        [{ networkPolicy: { enabled: 'always' } }, "at '/networkPolicy/enabled'"],
        [{ secrets: { internal: { internalSecret: 'too-short' } } }, "at '/secrets/internal/internalSecret'"],
        [{ probes: { readiness: { timeoutSeconds: 0 } } }, "at '/probes/readiness/timeoutSeconds'"],
        [{ config: { server: { 'cometd-timeout': 301 } } }, "at '/config/server/cometd-timeout'"],
        [{ sessionEngin: { replicas: 2 } }, "additional properties 'sessionEngin' not allowed"],
        [{ espGateway: { podDisruptionBudget: { enabled: true, maxUnavailable: 0 } } }, "at '/espGateway/podDisruptionBudget/maxUnavailable'"],
      ];
      for (const [values, message] of refusals) {
        const stderr = refusal(values);
        expect({ values, stderr: stderr.includes("values don't meet the specifications of the schema") && stderr.includes(message) }).toEqual({ values, stderr: true });
      }
    });

    it('has a schema for every value of values.yaml', () => {
      const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as SchemaNode;
      const values = YAML.parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
      const missing: string[] = [];
      const visit = (value: unknown, node: SchemaNode | undefined, path: string): void => {
        if (!node) return void missing.push(path);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          if (!node.type && !node.enum && !node.$ref) missing.push(`${path} (no type)`);
          return;
        }
        // Maps the chart passes on as they are (options, labels, selectors) are typed as a whole.
        if (!node.properties) return;
        for (const [key, inner] of Object.entries(value)) visit(inner, node.properties[key] ?? (node.additionalProperties === false ? undefined : { type: 'any' }), `${path}.${key}`);
      };
      for (const [key, value] of Object.entries(values)) visit(value, schema.properties?.[key], key);
      expect(missing).toEqual([]);
      expect(schema.additionalProperties).toBe(false);
    });
  });
});
