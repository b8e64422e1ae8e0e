/**
 * What the user sees while a batch runs. stdout carries only data (--json
 * records); everything for humans goes to stderr: a redrawn progress bar when
 * stderr is a terminal, one plain line per file otherwise (logs, CI).
 */
import type { FileRecord } from './process-file';

export interface Reporter {
  start(total: number): void;
  fileStarted(index: number, file: string): void;
  /** Within a file, e.g. "remove 3/12 tiles" (drawn only on a terminal). */
  fileProgress(index: number, file: string, step: string): void;
  fileDone(index: number, record: FileRecord): void;
  note(message: string): void;
  finish(records: readonly FileRecord[], ms: number): void;
}

export function createReporter(opts: { json: boolean; stderr?: NodeJS.WriteStream; stdout?: NodeJS.WriteStream }): Reporter {
  const err = opts.stderr ?? process.stderr;
  const out = opts.stdout ?? process.stdout;
  const tty = err.isTTY === true;
  let total = 0;
  let barShown = false;
  const clearBar = () => {
    if (barShown) err.write('\r\x1b[K');
    barShown = false;
  };
  const drawBar = (done: number, label: string) => {
    const width = 24;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const cols = err.columns && err.columns > 20 ? err.columns : 80;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label}`;
    err.write(`\r\x1b[K${line.slice(0, cols - 1)}`);
    barShown = true;
  };
  return {
    start(n) {
      total = n;
      if (tty) drawBar(0, '');
    },
    fileStarted(index, file) {
      if (tty) drawBar(index, file);
    },
    fileProgress(index, file, step) {
      if (tty) drawBar(index, `${file}: ${step}`);
    },
    fileDone(index, record) {
      if (opts.json) out.write(`${JSON.stringify(record)}\n`);
      const line = describe(index + 1, total, record);
      if (tty) {
        // Keep failures on screen above the bar; successes only move the bar.
        if (record.status !== 'ok') {
          clearBar();
          err.write(`${line}\n`);
        }
        drawBar(index + 1, record.file);
      } else {
        err.write(`${line}\n`);
      }
    },
    note(message) {
      clearBar();
      err.write(`${message}\n`);
    },
    finish(records, ms) {
      clearBar();
      const ok = records.filter((r) => r.status === 'ok').length;
      const skipped = records.filter((r) => r.status === 'skipped').length;
      const failed = records.filter((r) => r.status === 'failed');
      const parts = [`${ok} done`];
      if (skipped) parts.push(`${skipped} skipped (nothing detected)`);
      parts.push(`${failed.length} failed`);
      err.write(`${parts.join(', ')} in ${(ms / 1000).toFixed(1)} s\n`);
      if (failed.length > 0 && failed.length < records.length) {
        for (const r of failed) err.write(`  failed: ${r.file}: ${r.error?.code} ${r.error?.message}\n`);
      }
    },
  };
}

function describe(n: number, total: number, r: FileRecord): string {
  const head = `[${n}/${total}]`;
  if (r.status === 'failed') return `${head} FAILED ${r.file}: ${r.error?.code} ${r.error?.message}`;
  if (r.status === 'skipped') return `${head} skipped ${r.file}: ${r.error?.message}`;
  return `${head} ok ${r.file} → ${r.output} (${r.width}×${r.height}, ${Math.round(r.timings.total ?? 0)} ms)`;
}
