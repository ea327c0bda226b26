// Builds the web console (apps/console) into dist/console: its TypeScript compiled for the browser by the project's
// own TypeScript (apps/console/tsconfig.json), its pages and style sheet, and the CometD browser client from the
// `cometd` package, so the built product serves the console with nothing else installed. `npm run build` runs it.
//
//   node dist/apps/console/build.js    from the repository root
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Builds the console of the checkout at `root` into `root/dist/console`; answers that directory. */
export function buildConsole(root: string): string {
  const out = join(root, 'dist', 'console');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', join(root, 'apps', 'console', 'tsconfig.json')], {
    stdio: 'inherit',
  });
  const pub = join(root, 'apps', 'console', 'public');
  for (const name of readdirSync(pub)) copyFileSync(join(pub, name), join(out, name));
  mkdirSync(join(out, 'vendor'), { recursive: true });
  copyFileSync(require.resolve('cometd/cometd.js', { paths: [root] }), join(out, 'vendor', 'cometd.js'));
  return out;
}

if (require.main === module) buildConsole(process.cwd());
