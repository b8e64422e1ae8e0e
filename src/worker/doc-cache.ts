/**
 * At most `capacity` decoded values (full-resolution RGBA: 48 MB at 12 MP) held
 * at once, least recently used first out (issue 10, item 3: 20 images of
 * 12 MP took the tab to 6.2 GB). A value in use — between `use`'s start and
 * the end of its work — is never evicted, so the cache may hold more than
 * `capacity` while several are in use (learning one mark from many images)
 * and shrinks back when they are done. An evicted value is loaded again on the
 * next use, from whatever the loader keeps (the original file).
 *
 * Pure: no DOM, no worker globals, so doc-cache.test.ts runs it in Node.
 */
export interface DocCacheOptions<T> {
  capacity: number;
  load: (id: string) => Promise<T>;
  /** Called once per value that leaves the cache (eviction or delete); may start async work, not awaited. */
  onEvict?: (id: string, value: T) => void;
}

interface Entry<T> {
  value: Promise<T>;
  /** Calls of `use` running on this entry. */
  pins: number;
}

export class DocCache<T> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  private readonly entries = new Map<string, Entry<T>>();
  private capacity: number;

  constructor(private readonly opts: DocCacheOptions<T>) {
    this.capacity = Math.max(1, Math.floor(opts.capacity));
  }

  /** Runs `work` with the value of `id`, loading it if it is not held; it stays held until `work` settles. */
  async use<R>(id: string, work: (value: T) => R | Promise<R>): Promise<R> {
    return this.useMany([id], ([value]) => work(value));
  }

  /** As `use`, with several values held together (none of them evicted by loading the others). */
  async useMany<R>(ids: readonly string[], work: (values: T[]) => R | Promise<R>): Promise<R> {
    const entries = ids.map((id) => this.pin(id));
    try {
      const values = await Promise.all(entries.map((e) => e.value));
      return await work(values);
    } finally {
      for (const e of entries) e.pins--;
      this.trim();
    }
  }

  /** Puts a value already at hand (the first decode), as the most recently used. */
  set(id: string, value: T): void {
    this.delete(id);
    this.entries.set(id, { value: Promise.resolve(value), pins: 0 });
    this.trim();
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  delete(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.evicted(id, e);
  }

  get size(): number {
    return this.entries.size;
  }

  setCapacity(capacity: number): void {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.trim();
  }

  private pin(id: string): Entry<T> {
    let e = this.entries.get(id);
    if (e) {
      this.entries.delete(id);
    } else {
      e = { value: this.opts.load(id), pins: 0 };
      // A failed load leaves nothing behind: the next use tries again.
      e.value.catch(() => {
        if (this.entries.get(id) === e) this.entries.delete(id);
      });
    }
    e.pins++;
    this.entries.set(id, e);
    this.trim();
    return e;
  }

  private trim(): void {
    for (const [id, e] of this.entries) {
      if (this.entries.size <= this.capacity) return;
      if (e.pins > 0) continue;
      this.entries.delete(id);
      this.evicted(id, e);
    }
  }

  private evicted(id: string, e: Entry<T>): void {
    const onEvict = this.opts.onEvict;
    if (onEvict) e.value.then((v) => onEvict(id, v)).catch(() => undefined);
  }
}
