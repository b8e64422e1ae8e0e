/**
 * The header's model progress: one bar over every model file of the manifest.
 * Pure (no store, no DOM), so its ordering rules are unit-tested.
 *
 * - Progress is per file and the files load one after the other. Summed over
 *   the files seen so far, the bar went backwards each time a new file began
 *   ("Starting 100 %", then "Downloading 58 %", issue 10), so every file of the
 *   manifest counts from the start, and no percentage shows before they are known.
 * - comlink delivers the progress callback on its own MessageChannel, so a last
 *   progress message can arrive after init has resolved; under load it did, and
 *   set the bar back up at 100 % for good (the e2e session reload test). Once
 *   init has settled, progress is ignored.
 */
export interface FileProgress {
  file: string;
  loaded: number;
  total: number;
  phase: 'download' | 'verify' | 'session' | 'ready';
}

/** What the header shows; null = no bar. */
export type Bar = FileProgress | null;

export class ModelProgressTracker {
  private readonly files = new Map<string, FileProgress>();
  private known = false;
  private last: FileProgress | null = null;
  private settled = false;

  constructor(private readonly show: (bar: Bar) => void) {
    show({ file: '', loaded: 0, total: 0, phase: 'download' });
  }

  /** The manifest's file sizes (none when it could not be read). */
  manifest(sizes: readonly { file: string; bytes: number }[]): void {
    for (const { file, bytes } of sizes) {
      if (!this.files.has(file)) this.files.set(file, { file, loaded: 0, total: bytes, phase: 'download' });
    }
    this.known = sizes.length > 0;
    this.publish();
  }

  progress(p: FileProgress): void {
    this.files.set(p.file, p);
    this.last = p;
    this.publish();
  }

  /** Init resolved or failed: hide the bar, and keep it hidden. */
  settle(): void {
    this.settled = true;
    this.show(null);
  }

  private publish(): void {
    if (this.settled) return;
    let loaded = 0;
    let total = 0;
    for (const f of this.files.values()) {
      loaded += f.loaded;
      total += f.total;
    }
    const known = this.known;
    this.show({ file: this.last?.file ?? '', loaded: known ? loaded : 0, total: known ? total : 0, phase: this.last?.phase ?? 'download' });
  }
}
