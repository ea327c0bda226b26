import { NotFoundException } from '@nestjs/common';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayOptions } from '../gateway-options';
import { ConsoleController } from './console.controller';

class FakeReply {
  headers: Record<string, string> = {};
  body: string | undefined;
  redirected: string | undefined;
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  send(body: Buffer): void {
    this.body = body.toString();
  }
  redirect(_status: number, url: string): void {
    this.redirected = url;
  }
}

function serve(dir: string | undefined, path: string[] | undefined, requestPath = '/console/x'): FakeReply {
  const reply = new FakeReply();
  new ConsoleController({ consoleDir: dir } as GatewayOptions).file(path, { path: requestPath }, reply);
  return reply;
}

describe('the web console files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-console-'));
  writeFileSync(join(dir, 'index.html'), '<p>widget</p>');
  writeFileSync(join(dir, 'agent.html'), '<p>desk</p>');
  writeFileSync(join(dir, 'widget.js'), 'void 0;');
  writeFileSync(join(dir, 'notes.md'), 'not served');
  mkdirSync(join(dir, 'vendor'));
  writeFileSync(join(dir, 'vendor', 'cometd.js'), '/* cometd */');

  it('serves the pages by their short paths, and the files read at start-up with their types', () => {
    expect(serve(dir, undefined, '/console/').body).toBe('<p>widget</p>');
    expect(serve(dir, ['agent']).body).toBe('<p>desk</p>');
    expect(serve(dir, ['supervisor']).body).toBe('<p>desk</p>');
    const script = serve(dir, ['vendor', 'cometd.js']);
    expect(script.body).toBe('/* cometd */');
    expect(script.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
  });

  it('redirects /console to /console/, so the pages find what they load', () => {
    expect(serve(dir, undefined, '/console').redirected).toBe('console/');
  });

  it('serves nothing else: other files, other folders, paths leaving the folder', () => {
    for (const path of [['notes.md'], ['..', 'package.json'], ['vendor', '..', '..', 'etc', 'passwd'], ['missing.js']]) {
      expect(() => serve(dir, path)).toThrow(NotFoundException);
    }
  });

  it('without a built console, says so', () => {
    expect(() => serve(undefined, ['widget.js'])).toThrow('the web console is not built here (npm run build builds it)');
    expect(() => serve(join(dir, 'absent'), undefined, '/console/')).toThrow('not built');
  });
});
