import { Controller, Get, Header, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';

/** What a console file is served as. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The pages a short path names: `/console/` the customer widget's page, `/console/agent` the desktop. */
const PAGES: Record<string, string> = { '': 'index.html', agent: 'agent.html', supervisor: 'agent.html' };

interface ConsoleFile {
  type: string;
  body: Buffer;
}

interface Reply {
  setHeader(name: string, value: string): void;
  send(body: Buffer): void;
  redirect(status: number, url: string): void;
}

/**
 * The web console (docs/api/console.md): the customer widget and the agent and supervisor desktop, static files the
 * build puts in `console/` of the build output. They speak only the public APIs, like any other client. The files
 * are read once at start-up; only those are served (no path from a request reaches the file system). Without a
 * built console the pages answer 404 saying so; the APIs are unaffected.
 */
@Controller('console')
export class ConsoleController {
  private readonly files: ReadonlyMap<string, ConsoleFile>;

  constructor(@Inject(GATEWAY_OPTIONS) options: GatewayOptions) {
    this.files = loadConsole(options.consoleDir);
  }

  @Get('{*path}')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  file(@Param('path') path: string[] | string | undefined, @Req() request: { path: string }, @Res({ passthrough: false }) reply: Reply): void {
    // `/console` itself: the pages' relative links need the trailing slash.
    if (request.path === '/console') return reply.redirect(301, 'console/');
    const name = (Array.isArray(path) ? path.join('/') : (path ?? '')).replace(/\/$/, '');
    const file = this.files.get(PAGES[name] ?? name);
    if (!file) {
      throw new NotFoundException(
        this.files.size === 0 ? 'the web console is not built here (npm run build builds it)' : `no console file ${name.slice(0, 80)}`,
      );
    }
    reply.setHeader('Content-Type', file.type);
    reply.send(file.body);
  }
}

/** Every servable file of the console directory and its `vendor/`, by path. */
function loadConsole(dir: string | undefined): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  if (!dir || !existsSync(dir)) return files;
  for (const sub of ['', 'vendor']) {
    const folder = join(dir, sub);
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const type = TYPES[extname(entry.name)];
      if (!entry.isFile() || !type) continue;
      files.set(sub ? `${sub}/${entry.name}` : entry.name, { type, body: readFileSync(join(folder, entry.name)) });
    }
  }
  return files;
}
