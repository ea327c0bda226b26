import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, type LoadConfigOptions } from './index';

const dir = mkdtempSync(join(tmpdir(), 'ocs-push-config-'));
const load = (options: LoadConfigOptions = {}) => loadConfig({ argv: [], env: {}, cwd: dir, ...options });

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    load({ env });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('the [push] section', () => {
  it("reads GMS's dotted names and pushEnabled from a file as GMS writes them", () => {
    writeFileSync(
      join(dir, 'gms.yaml'),
      'push:\n  customhttp.url: http://receiver.example:8000/notify\n  customhttp.message: Refresh now\n  pushEnabled: comet, CustomHTTP\n',
    );
    expect(load({ argv: ['--config', 'gms.yaml'] }).push).toMatchObject({
      'customhttp.url': 'http://receiver.example:8000/notify',
      'customhttp.message': 'Refresh now',
      pushEnabled: ['comet', 'customhttp'],
    });
  });

  it('takes _ for the dot and the dashes in environment names', () => {
    const push = load({
      env: { OCS__push__customhttp_url: 'https://r.example/p', OCS__push__pushEnabled: 'customhttp', OCS__push__signing_secret: 's'.repeat(16) },
    }).push;
    expect(push).toMatchObject({ 'customhttp.url': 'https://r.example/p', pushEnabled: ['customhttp'], signingSecret: 's'.repeat(16) });
  });

  it.each([
    [
      { OCS__push__customhttp_url: 'receiver:8000/notify' },
      'invalid option [push] customhttp.url: expected an http:// or https:// URL, got "receiver:8000/notify"',
    ],
    [{ OCS__push__customhttp_url: 'http://exa mple/' }, 'invalid option [push] customhttp.url: expected an http:// or https:// URL, got "http://exa mple/"'],
    [{ OCS__push__customhttp_url: 'http://[::1/' }, 'invalid option [push] customhttp.url: expected an http:// or https:// URL, got "http://[::1/"'],
    [
      { OCS__push__pushEnabled: 'comet,customhttp' },
      'invalid option [push] customhttp.url: pushEnabled lists customhttp: customhttp.url must name the receiver',
    ],
    [
      { OCS__push__pushEnabled: 'comet;customhttp' },
      'invalid option [push] pushEnabled: expected push types separated by commas, like comet,customhttp, got "comet;customhttp"',
    ],
    [{ OCS__push__signing_secret: 'short' }, 'invalid option [push] signing-secret: expected a secret of at least 16 characters'],
    [{ OCS__push__concurrency: '0' }, 'invalid option [push] concurrency: expected an integer from 1 to 1000, got 0'],
  ])('refuses %j naming the option', (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });
});
