/**
 * Where a CPU profile's time goes (`node dist/bench/load/profile-summary.js <file.cpuprofile> [top]`): self time by
 * package or project folder (node_modules/<package>, libs/<lib>, apps/<app>, node internals, GC, idle) and the
 * functions with the most self time. For profiles the product writes under `npm run bench -- --cpu-prof`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package or project folder a script URL belongs to. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const project = /\/dist\/((?:libs|apps)\/[^/]+)/.exec(url);
  return project ? project[1] : url;
}

function main(): void {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/bench/load/profile-summary.js <file.cpuprofile> [top]\n');
    process.exitCode = 2;
    return;
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const name = `${functionName || '(anonymous)'} ${area}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  });
  const busy = total - (byArea.get('(idle)') ?? 0);
  const table = (title: string, entries: Map<string, number>, count: number) => {
    process.stdout.write(`\n${title}\n`);
    for (const [name, us] of [...entries]
      .filter(([n]) => !n.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, count))
      process.stdout.write(`${((100 * us) / busy).toFixed(1).padStart(6)} %  ${(us / 1e6).toFixed(2).padStart(8)} s  ${name}\n`);
  };
  process.stdout.write(`${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (shares below are of the busy time)\n`);
  table('Self time by area', byArea, 20);
  table('Self time by function', byFunction, Number(top));
}

main();
