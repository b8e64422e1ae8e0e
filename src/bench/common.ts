/** Shared helpers for the benchmarks: flags, statistics, machine description, markdown. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** `--key value` / `--key=value` / `--flag` into a map; positional arguments are refused. */
export function parseFlags(argv: readonly string[], booleans: readonly string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`Unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const key = a.slice(2, eq < 0 ? undefined : eq);
    if (booleans.includes(key)) out.set(key, 'true');
    else if (eq >= 0) out.set(key, a.slice(eq + 1));
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`--${key} needs a value`);
      out.set(key, v);
    }
  }
  return out;
}

export interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const median = n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { n, median: round1(median), min: round1(s[0] ?? NaN), max: round1(s[n - 1] ?? NaN) };
}

export const round1 = (x: number) => Math.round(x * 10) / 10;

export function fmt(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  return x.toFixed(digits);
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface Machine {
  cores: number;
  cpu: string;
  ramGiB: number;
  node: string;
  os: string;
  loadAverage: string;
  date: string;
}

export function describeMachine(): Machine {
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    /* keep os.cpus() */
  }
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    /* not Linux */
  }
  let os: string = process.platform;
  try {
    const m = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) os = `${m[1]} (${process.platform} ${process.arch})`;
  } catch {
    /* keep platform */
  }
  let loadAverage = '';
  try {
    loadAverage = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    /* not Linux */
  }
  return {
    cores: nproc,
    cpu,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os,
    loadAverage,
    date: new Date().toISOString(),
  };
}

export function machineMarkdown(m: Machine, extra: Record<string, string> = {}): string {
  const rows: [string, string][] = [
    ['Cores (`nproc`)', String(m.cores)],
    ['CPU', m.cpu],
    ['RAM', `${m.ramGiB} GiB`],
    ['OS', m.os],
    ['Node', m.node],
    ...Object.entries(extra),
    ['Load average at start (1/5/15 min)', m.loadAverage || '–'],
    ['Date', m.date],
  ];
  return table(['', ''], rows);
}

/**
 * Replace the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in a
 * markdown file (appending the block if absent), so generated tables live inside
 * a hand-written document.
 */
export function writeSection(file: string, name: string, body: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  const next = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
