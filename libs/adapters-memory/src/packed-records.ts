/** Bytes of each shared slab; a record longer than this gets a slab of its own. */
const DEFAULT_SLAB_BYTES = 1 << 20;
/** Object keys stored as short tokens, at most this many distinct ones (later ones are stored as they are). */
const MAX_KEY_TOKENS = 4096;
/** Starts a token; a key that starts with it is stored with it doubled. */
const TOKEN = '~';

/**
 * Records kept as JSON in large shared buffers, outside the JS heap: for data held for many sessions and
 * seldom read (an interaction's properties, a UCS record), which as objects would cost the heap several times its
 * size (object headers, hidden-class slack, and the garbage collector's growth margin over the live heap). Each
 * record is known by the slot number `add` answers (stable until `remove`); each `read` parses a fresh copy, so
 * callers can never change what is stored; `replace` changes a record. Object keys, the same in most records
 * (property names), are stored as short tokens of a table shared by all records.
 *
 * Space of replaced and deleted records is taken back: a slab none of whose records is live is released, and once
 * the dead bytes outweigh the live ones (past a slab's worth) the live records are copied into fresh slabs.
 */
export class PackedSlots<T> {
  /** A slot's record is in `slabs[slabOf[slot]]` at `offsetOf[slot]`, `lengthOf[slot]` bytes (0: a free slot). */
  private slabOf: Uint32Array = new Uint32Array(1024);
  private offsetOf: Uint32Array = new Uint32Array(1024);
  private lengthOf: Uint32Array = new Uint32Array(1024);
  /** Slots free for reuse, and the first never used. */
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  private slabs: Array<Buffer | undefined> = [];
  /** Live bytes and dead bytes (of records replaced or deleted) in each slab. */
  private liveIn: number[] = [];
  private deadIn: number[] = [];
  /** The slab new records are appended to, and where its free space starts. */
  private current = -1;
  private fill = 0;
  private liveBytes = 0;
  private deadBytes = 0;
  private count = 0;

  /** Token of each key seen, and the key of each token. */
  private readonly tokenOf = new Map<string, string>();
  private readonly keyOf = new Map<string, string>();

  constructor(private readonly slabBytes = DEFAULT_SLAB_BYTES) {}

  /** Records held. */
  get size(): number {
    return this.count;
  }

  /** Bytes of the slabs held (live records, dead ones not reclaimed yet, and the unused end of the last slab). */
  get heldBytes(): number {
    return this.slabs.reduce((sum, slab) => sum + (slab?.length ?? 0), 0);
  }

  /** Stores a record; answers its slot. */
  add(value: T): number {
    const slot = this.newSlot();
    this.place(slot, this.encode(value));
    this.count += 1;
    this.compactIfWasteful();
    return slot;
  }

  /** A fresh copy of the record in `slot`, which must hold one. */
  read(slot: number): T {
    this.assertUsed(slot);
    const slab = this.slabs[this.slabOf[slot]] as Buffer;
    const start = this.offsetOf[slot];
    return JSON.parse(slab.toString('utf8', start, start + this.lengthOf[slot]), (_key, value: unknown) =>
      isPlainObject(value) ? this.decodeKeys(value) : value,
    ) as T;
  }

  /** Replaces the record in `slot`, which keeps its number. */
  replace(slot: number, value: T): void {
    this.assertUsed(slot);
    const bytes = this.encode(value);
    this.release(slot);
    this.place(slot, bytes);
    this.compactIfWasteful();
  }

  /** Forgets the record in `slot`; the number may be answered again by a later `add`. */
  remove(slot: number): void {
    this.assertUsed(slot);
    this.release(slot);
    this.lengthOf[slot] = 0;
    this.freeSlots.push(slot);
    this.count -= 1;
    this.compactIfWasteful();
  }

  private assertUsed(slot: number): void {
    if (!(slot >= 0 && slot < this.nextSlot && this.lengthOf[slot] > 0)) throw new Error(`no packed record in slot ${slot}`);
  }

  private encode(value: T): Buffer {
    return Buffer.from(
      JSON.stringify(value, (_key, v: unknown) => (isPlainObject(v) ? this.encodeKeys(v) : v)),
      'utf8',
    );
  }

  private encodeKeys(object: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(object)) put(out, this.token(key), value);
    return out;
  }

  private decodeKeys(object: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(object)) {
      const decoded = !key.startsWith(TOKEN) ? key : key.startsWith(TOKEN, 1) ? key.slice(1) : this.keyOf.get(key);
      if (decoded === undefined) throw new Error(`packed record with an unknown key token ${key}`);
      put(out, decoded, value);
    }
    return out;
  }

  private token(key: string): string {
    const known = this.tokenOf.get(key);
    if (known !== undefined) return known;
    if (this.tokenOf.size >= MAX_KEY_TOKENS) return key.startsWith(TOKEN) ? TOKEN + key : key;
    const token = TOKEN + this.tokenOf.size.toString(36);
    this.tokenOf.set(key, token);
    this.keyOf.set(token, key);
    return token;
  }

  private newSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    if (this.nextSlot === this.slabOf.length) {
      this.slabOf = grown(this.slabOf);
      this.offsetOf = grown(this.offsetOf);
      this.lengthOf = grown(this.lengthOf);
    }
    return this.nextSlot++;
  }

  /** Writes `bytes` for `slot` at the end of the current slab, or of a new one. */
  private place(slot: number, bytes: Buffer): void {
    if (this.current < 0 || this.fill + bytes.length > (this.slabs[this.current] as Buffer).length) {
      const previous = this.current;
      const slab = Buffer.allocUnsafeSlow(Math.max(this.slabBytes, bytes.length));
      this.current = this.slabs.length;
      this.slabs.push(slab);
      this.liveIn.push(0);
      this.deadIn.push(0);
      this.fill = 0;
      if (previous >= 0 && this.liveIn[previous] === 0) this.drop(previous);
    }
    bytes.copy(this.slabs[this.current] as Buffer, this.fill);
    this.slabOf[slot] = this.current;
    this.offsetOf[slot] = this.fill;
    this.lengthOf[slot] = bytes.length;
    this.fill += bytes.length;
    this.liveIn[this.current] += bytes.length;
    this.liveBytes += bytes.length;
  }

  /** The slot's record is dead: its slab is released once it holds nothing live (unless records still go into it). */
  private release(slot: number): void {
    const slab = this.slabOf[slot];
    const length = this.lengthOf[slot];
    this.liveIn[slab] -= length;
    this.liveBytes -= length;
    this.deadIn[slab] += length;
    this.deadBytes += length;
    if (this.liveIn[slab] === 0 && slab !== this.current) this.drop(slab);
  }

  /** Releases a slab that holds nothing live. */
  private drop(slab: number): void {
    this.deadBytes -= this.deadIn[slab];
    this.deadIn[slab] = 0;
    this.slabs[slab] = undefined;
  }

  private compactIfWasteful(): void {
    if (this.deadBytes <= this.slabBytes || this.deadBytes <= this.liveBytes) return;
    const old = this.slabs;
    this.slabs = [];
    this.liveIn = [];
    this.deadIn = [];
    this.current = -1;
    this.fill = 0;
    this.liveBytes = 0;
    this.deadBytes = 0;
    // The old slabs are only read from here on: each live record is copied straight into the new ones.
    for (let slot = 0; slot < this.nextSlot; slot++) {
      if (this.lengthOf[slot] === 0) continue;
      const start = this.offsetOf[slot];
      this.place(slot, (old[this.slabOf[slot]] as Buffer).subarray(start, start + this.lengthOf[slot]));
    }
  }
}

/** Records kept by key, packed (see `PackedSlots`): `get` answers a fresh copy, `set` adds or replaces. */
export class PackedRecords<T> {
  private readonly slots = new Map<string, number>();
  private readonly packed: PackedSlots<T>;

  constructor(slabBytes = DEFAULT_SLAB_BYTES) {
    this.packed = new PackedSlots<T>(slabBytes);
  }

  get size(): number {
    return this.slots.size;
  }

  get heldBytes(): number {
    return this.packed.heldBytes;
  }

  has(key: string): boolean {
    return this.slots.has(key);
  }

  get(key: string): T | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.packed.read(slot);
  }

  set(key: string, value: T): void {
    const slot = this.slots.get(key);
    if (slot === undefined) this.slots.set(key, this.packed.add(value));
    else this.packed.replace(slot, value);
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    this.packed.remove(slot);
    return true;
  }

  keys(): IterableIterator<string> {
    return this.slots.keys();
  }
}

/** Sets an own property, even one named `__proto__` (as JSON.parse does). */
function put(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function grown(array: Uint32Array): Uint32Array {
  const bigger = new Uint32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
