/**
 * The chaos run's fault schedule: pure, from a seed, so a run is replayed by giving its seed again. Product faults
 * (SIGKILL, SIGSTOP pause, gateway drain) never overlap each other, so at most one product process is away at a
 * time (N+1); server stops never overlap each other.
 */

export type FaultKind = 'kill' | 'pause' | 'drain' | 'server-stop';

export interface Fault {
  /** Milliseconds from the start of the faults. */
  atMs: number;
  kind: FaultKind;
  /** A product process name (`e1`, `g2`, …) or a server (`redis`, `kafka`, `cassandra`). */
  target: string;
  /** kill: pause before the restart; pause: SIGSTOP to SIGCONT; server-stop: down time; drain: 0. */
  forMs: number;
}

export interface ScheduleOptions {
  seed: number;
  /** A kill every `killEveryMs` for `killWindowMs`. */
  killEveryMs: number;
  killWindowMs: number;
  /** Processes a kill may pick. */
  killable: string[];
  /** Restart pause after a kill, [min, max]. */
  restartMs: [number, number];
  /** Engines a pause may pick, and how many pauses; each longer than `nodeTtlMs`. */
  pausable: string[];
  pauses: number;
  nodeTtlMs: number;
  /** Gateways one of which is drained and replaced (none: no drain). */
  drainable: string[];
  /** Servers stopped once each, for [min, max] ms. */
  servers: string[];
  serverDownMs: [number, number];
}

/** mulberry32: a small seeded generator, the same numbers for the same seed on every platform. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The schedule of `options`, sorted by time. */
export function schedule(options: ScheduleOptions): Fault[] {
  const next = random(options.seed);
  const between = ([min, max]: [number, number]) => Math.round(min + next() * (max - min));
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
  const slots = Math.floor(options.killWindowMs / options.killEveryMs);
  const faults: Fault[] = [];
  // Each slot starts with a kill; the second half of some slots holds a pause or the drain instead of idling.
  for (let slot = 0; slot < slots; slot++) {
    faults.push({ atMs: slot * options.killEveryMs, kind: 'kill', target: pick(options.killable), forMs: between(options.restartMs) });
  }
  const half = Math.floor(options.killEveryMs / 2);
  const free = Array.from({ length: slots }, (_, slot) => slot);
  const takeSlot = () => free.splice(Math.floor(next() * free.length), 1)[0];
  const pauseMax = options.killEveryMs - half - 500;
  for (let i = 0; i < options.pauses && free.length > 0; i++) {
    const slot = takeSlot();
    const forMs = between([options.nodeTtlMs + 1000, Math.max(options.nodeTtlMs + 1000, pauseMax)]);
    faults.push({ atMs: slot * options.killEveryMs + half, kind: 'pause', target: pick(options.pausable), forMs });
  }
  if (options.drainable.length > 0 && free.length > 0) {
    faults.push({ atMs: takeSlot() * options.killEveryMs + half, kind: 'drain', target: pick(options.drainable), forMs: 0 });
  }
  // Server stops spread over the kill window, one after the other, in a seeded order.
  const servers = [...options.servers].sort(() => next() - 0.5);
  const spacing = options.killWindowMs / Math.max(1, servers.length);
  for (const [i, server] of servers.entries()) {
    const forMs = between(options.serverDownMs);
    const atMs = Math.round(i * spacing + next() * Math.max(0, spacing - forMs));
    faults.push({ atMs, kind: 'server-stop', target: server, forMs });
  }
  return faults.sort((a, b) => a.atMs - b.atMs || a.kind.localeCompare(b.kind));
}

/** One line per fault, as printed at the start of a run. */
export function describeSchedule(seed: number, faults: Fault[]): string {
  const lines = faults.map((f) => `  +${(f.atMs / 1000).toFixed(1)}s ${f.kind} ${f.target}${f.forMs ? ` for ${(f.forMs / 1000).toFixed(1)}s` : ''}`);
  return [`fault schedule (seed ${seed}, replay with --seed ${seed}):`, ...lines].join('\n');
}
