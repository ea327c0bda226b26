import { ConfigError, loadConfig } from '@ocs/config';
import { runService } from '../run-service';
import { pushNotifier, pushOptionsFromConfig } from './push-notifier';

const configOf = (env: Record<string, string>) => loadConfig({ argv: [], env });

describe('the push-notifier wiring', () => {
  const env = process.env;
  afterEach(() => {
    process.env = env;
    jest.restoreAllMocks();
  });

  it('delivers nothing by default, nor while pushEnabled leaves customhttp out', () => {
    expect(pushOptionsFromConfig(configOf({}))).toBeUndefined();
    expect(pushOptionsFromConfig(configOf({ OCS__push__customhttp_url: 'http://r.example/', OCS__push__pushEnabled: 'comet' }))).toBeUndefined();
  });

  it('builds the options from [push] and [server] alias', () => {
    const options = pushOptionsFromConfig(
      configOf({
        OCS__push__customhttp_url: 'https://r.example/notify',
        OCS__push__customhttp_message: 'Refresh',
        OCS__push__pushEnabled: 'customhttp',
        OCS__push__request_timeout: '3',
        OCS__push__tls_reject_unauthorized: 'false',
        OCS__push__signing_secret: 'sixteen-chars-ok',
        OCS__server__alias: '5',
      }),
    );
    expect(options).toEqual({
      receiver: { url: 'https://r.example/notify', timeoutMs: 3000, rejectUnauthorized: false, signingSecret: 'sixteen-chars-ok', maxSockets: 32 },
      body: { alias: '5', customMessage: 'Refresh' },
      delivery: { concurrency: 32, queueSize: 10000, retryAttempts: 10, retryDelayMs: 500, retryMaxDelayMs: 60000 },
      maxAgeMs: 86_400_000,
    });
  });

  it('refuses a CA file it cannot read, naming the option', () => {
    const config = configOf({
      OCS__push__customhttp_url: 'https://r.example/',
      OCS__push__pushEnabled: 'customhttp',
      OCS__push__tls_ca_file: '/nonexistent/ca.pem',
    });
    expect(() => pushOptionsFromConfig(config)).toThrow(ConfigError);
    expect(() => pushOptionsFromConfig(config)).toThrow(/^invalid option \[push\] tls-ca-file: cannot read \/nonexistent\/ca\.pem: ENOENT/);
  });

  it('does not start with a malformed receiver URL: the error names the option', async () => {
    process.env = { ...env, OCS__push__customhttp_url: 'htp:/receiver', OCS__push__pushEnabled: 'customhttp' };
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    await expect(runService(pushNotifier)).rejects.toThrow('exit 1');
    expect(stderr).toHaveBeenCalledWith(
      'push-notifier: invalid configuration\ninvalid option [push] customhttp.url: expected an http:// or https:// URL, got "htp:/receiver"\n',
    );
  });
});
