/**
 * Browser speed: builds src/bench/browser (a bench page + the real worker,
 * bundled by Vite as the app bundles it), serves it with `vite preview` on
 * :4174 (COOP/COEP, so WASM threads work), and drives Debian's Chromium
 * headless through playwright-core. Timings are measured inside the worker.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from '../platform/node/paths';
import { stats, type Stats } from './common';

export const CHROMIUM = '/usr/bin/chromium';
const PORT = 4174;
export const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
// Without a GPU, Chromium's WebGPU adapter is SwiftShader (CPU): correct but slow, so it gets one small run.
const WEBGPU_ARGS = ['--enable-unsafe-webgpu'];

export interface BrowserConfig {
  label: string;
  backend: 'wasm' | 'webgpu';
  threads: number;
  extraArgs: string[];
  sizes: number[];
  reps?: number;
  /** Overrides the run's per-configuration timeout. */
  timeoutMs?: number;
  /** Also time the plain-JS steps (patch fill, lattice search, learning a mark): once, in one configuration. */
  js?: boolean;
}

export interface BrowserRun {
  label: string;
  requested: { backend: string; threads: number };
  /** The backend the worker reported using (WebGPU falls back to WASM when no adapter works). */
  backend: string;
  crossOriginIsolated: boolean;
  initMs: number;
  runs: Record<string, Stats & { backend: string }>;
  error?: string;
}

export function browserConfigs(webgpu: boolean): BrowserConfig[] {
  const out: BrowserConfig[] = [
    { label: 'Chromium WASM, 1 thread', backend: 'wasm', threads: 1, extraArgs: [], sizes: [1024, 2048] },
    { label: 'Chromium WASM, 2 threads', backend: 'wasm', threads: 2, extraArgs: [], sizes: [1024, 2048], js: true },
  ];
  if (webgpu) {
    // On SwiftShader the warm-up run (shader compilation) alone takes a minute or more on a busy 2-core machine.
    out.push({ label: 'WebGPU (SwiftShader, software)', backend: 'webgpu', threads: 2, extraArgs: WEBGPU_ARGS, sizes: [1024], reps: 1, timeoutMs: 900_000 });
  }
  return out;
}

export function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unavailable';
  }
}

const vite = path.join(REPO_ROOT, 'node_modules/.bin/vite');
const benchConfig = path.join(REPO_ROOT, 'src/bench/browser/vite.config.ts');

export const BROWSER_COMMANDS = [
  'npx vite build --config src/bench/browser/vite.config.ts',
  `npx vite preview --config src/bench/browser/vite.config.ts --port ${PORT} --strictPort`,
];

async function waitForServer(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`vite preview exited with ${server.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`vite preview did not answer on ${url} within ${timeoutMs} ms`);
}

export async function runBrowserBench(opts: {
  reps: number;
  webgpu: boolean;
  /** Per configuration; a run past it is reported as timed out. */
  timeoutMs: number;
  log: (s: string) => void;
  /** The configurations to run; default browserConfigs(webgpu). */
  configs?: BrowserConfig[];
}): Promise<BrowserRun[]> {
  opts.log('browser: building the bench page…');
  execFileSync(vite, ['build', '--config', benchConfig], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  // Own process group, so that stopping it also stops anything it started.
  const server = spawn(vite, ['preview', '--config', benchConfig, '--port', String(PORT), '--strictPort'], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
    detached: true,
  });
  const base = `http://localhost:${PORT}/`;
  const results: BrowserRun[] = [];
  let browser: Browser | null = null;
  try {
    await waitForServer(base, server, 30_000);
    for (const cfg of opts.configs ?? browserConfigs(opts.webgpu)) {
      opts.log(`browser: ${cfg.label}…`);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...cfg.extraArgs] });
      try {
        const page = await browser.newPage();
        await page.goto(`${base}?backend=${cfg.backend}&threads=${cfg.threads}`);
        await page.waitForFunction(() => (window as unknown as { __benchReady?: boolean }).__benchReady === true);
        const bench = page.evaluate(
          (o) => (window as unknown as { __runBench(o: unknown): Promise<unknown> }).__runBench(o),
          { reps: cfg.reps ?? opts.reps, sizes: cfg.sizes, remove: true, js: cfg.js === true },
        );
        let timer: NodeJS.Timeout | undefined;
        const limit = cfg.timeoutMs ?? opts.timeoutMs;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${limit / 1000} s`)), limit);
        });
        try {
          results.push(toRun(cfg, (await Promise.race([bench, timeout])) as PageResult));
        } finally {
          clearTimeout(timer);
          bench.catch(() => undefined); // settles when the browser closes
        }
      } catch (e) {
        results.push({
          label: cfg.label,
          requested: { backend: cfg.backend, threads: cfg.threads },
          backend: '–',
          crossOriginIsolated: false,
          initMs: NaN,
          runs: {},
          error: e instanceof Error ? e.message.split('\n')[0] : String(e),
        });
      } finally {
        await browser.close();
        browser = null;
      }
    }
  } finally {
    if (browser) await browser.close();
    if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  }
  return results;
}

interface PageResult {
  info: { backend: string; threads: number; detectors: string[]; removers: string[] };
  initMs: number;
  crossOriginIsolated: boolean;
  detect: Record<string, { ms: number[]; backend: string; regions: number }>;
  remove: null | { ms: number[]; backend: string; tiles: number };
  patch: null | { ms: number[]; masked: number };
  marks: null | { lattice: { ms: number[]; accepted: boolean; reason: string }; invert: { ms: number[]; method: string }; learn: { ms: number[]; placed: number; images: number; error?: string } };
}

function toRun(cfg: BrowserConfig, r: PageResult): BrowserRun {
  const runs: BrowserRun['runs'] = {};
  for (const [label, d] of Object.entries(r.detect)) runs[`${label} (all detectors)`] = { ...stats(d.ms), backend: d.backend };
  if (r.remove) runs[`remove 512² (${r.remove.tiles} tile)`] = { ...stats(r.remove.ms), backend: r.remove.backend };
  if (r.patch) runs[`patch fill 512² (${Math.round(r.patch.masked * 100)} % in strokes)`] = { ...stats(r.patch.ms), backend: 'cpu (JS)' };
  if (r.marks) {
    runs[`lattice search + estimate, 12 MP tiled (${r.marks.lattice.accepted ? 'accepted' : `refused: ${r.marks.lattice.reason}`})`] = { ...stats(r.marks.lattice.ms), backend: 'cpu (JS)' };
    if (r.marks.invert.ms.length > 0) runs[`remove with that tiled mark, 12 MP (${r.marks.invert.method || 'no region'})`] = { ...stats(r.marks.invert.ms), backend: 'cpu (JS)' };
    const learned = r.marks.learn.error ? `failed: ${r.marks.learn.error}` : `placed in ${r.marks.learn.placed}/${r.marks.learn.images}`;
    runs[`learn one mark from ${r.marks.learn.images} × 1 MP (${learned})`] = { ...stats(r.marks.learn.ms), backend: 'cpu (JS)' };
  }
  return {
    label: cfg.label,
    requested: { backend: cfg.backend, threads: cfg.threads },
    backend: r.info.backend,
    crossOriginIsolated: r.crossOriginIsolated,
    initMs: Math.round(r.initMs),
    runs,
  };
}
