import { timingSafeEqual } from 'node:crypto';
import type { KvList } from './types';

/** Sets `value` at a slash- or dot-free path of nested lists, creating the lists on the way. */
export function setKv(target: KvList, path: readonly string[], value: string): KvList {
  let node = target;
  path.slice(0, -1).forEach((key) => {
    const child = node[key];
    if (typeof child === 'object') {
      node = child;
    } else {
      const created: KvList = {};
      node[key] = created;
      node = created;
    }
  });
  node[path[path.length - 1]] = value;
  return target;
}

export function getKv(source: KvList | undefined, path: readonly string[]): string | KvList | undefined {
  let node: string | KvList | undefined = source;
  for (const key of path) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[key];
  }
  return node;
}

export function cloneKv(source: KvList): KvList {
  const out: KvList = {};
  for (const [k, v] of Object.entries(source)) out[k] = typeof v === 'string' ? v : cloneKv(v);
  return out;
}

/** Merges `extra` into a copy of `base`, nested lists merged key by key. */
export function mergeKv(base: KvList | undefined, extra: KvList): KvList {
  const out = base ? cloneKv(base) : {};
  for (const [k, v] of Object.entries(extra)) {
    const existing = out[k];
    out[k] = typeof v === 'object' && typeof existing === 'object' ? mergeKv(existing, v) : typeof v === 'string' ? v : cloneKv(v);
  }
  return out;
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Compares two secrets in constant time. */
export function sameSecret(given: string, expected: string): boolean {
  const x = Buffer.from(given);
  const y = Buffer.from(expected);
  return x.length === y.length && timingSafeEqual(x, y);
}
