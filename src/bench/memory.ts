/**
 * Memory of the app over a batch (issue 10, item 3): N JPEGs of 12 MP opened at
 * once, then "Detect all", "Remove all" and "Download all", while the memory
 * of every Chromium process under this one is sampled from /proc every 500 ms.
 *
 *   npm run bench:memory -- [--n 20] [--side 4000x3000] [--dist dist-mem] [--port 4475] [--label after] [--max-minutes 15] [--no-write] [--incognito]
 *
 * The page runs in a fresh profile on disk (a temporary folder, deleted after),
 * as in a user's browser window: the saved session's IndexedDB is written to
 * disk. `--incognito` runs it in an off-the-record context, as the runs before
 * 2026-12-03 (session 9) did: there IndexedDB lives in the browser process's
 * memory, so every saved result and mask grows that process.
 *
 * Builds the app into --dist (unless --no-build), serves it with `vite preview`
 * (COOP/COEP, as the e2e tests), drives /usr/bin/chromium with playwright-core.
 * Peaks per phase go to bench-out/memory-<label>.json and, unless --no-write,
 * to the `bench:memory-<label>` section of docs/performance.md. A run past
 * --max-minutes stops where it is and reports the phases it reached. Not part of
 * `npm test`: 20 × 12 MP takes minutes on a 2-core machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { REPO_ROOT } from '../platform/node/paths';
import { describeMachine, parseFlags, table, writeSection } from './common';
import { CHROMIUM, CHROMIUM_ARGS } from './speed-browser';

const MiB = 1024 * 1024;
const PHASES = ['open', 'detect all', 'remove all', 'download all'] as const;
type Phase = (typeof PHASES)[number];

interface Sample {
  t: number;
  phase: Phase;
  /** VmRSS summed over the renderer processes (the page and its dedicated worker run there). */
  rendererRss: number;
  /** Pss summed over every Chromium process (browser, GPU, utility, renderers): shared pages counted once. */
  totalPss: number;
  /** Pss by process type (`--type=` of its command line; "browser" without one), to tell where growth is. */
  pssByType: Record<string, number>;
}

/** Pids of every descendant of `root`, from /proc/<pid>/stat. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Field 4 (ppid) follows the command in parentheses, which may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(pid, ppid);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

function kbField(text: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

function sample(phase: Phase, t0: number): Sample {
  let rendererRss = 0;
  let totalPss = 0;
  const pssByType: Record<string, number> = {};
  for (const pid of descendants(process.pid)) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chrom')) continue;
      const pss = kbField(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
      totalPss += pss;
      const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
      pssByType[type] = (pssByType[type] ?? 0) + pss;
      if (cmd.includes('--type=renderer')) rendererRss += kbField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
    } catch {
      /* exited between the listing and the read */
    }
  }
  return { t: Date.now() - t0, phase, rendererRss, totalPss, pssByType };
}

/** N JPEGs made once from the e2e photo with its "© SAMPLE STOCK" mark, each a different tint and shapes. */
async function makeInputs(n: number, width: number, height: number): Promise<string[]> {
  const dir = path.join(tmpdir(), `unmark-memory-${width}x${height}`);
  mkdirSync(dir, { recursive: true });
  const source = readFileSync(path.join(REPO_ROOT, 'e2e/fixtures/photo-text.png'));
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `photo-${String(i + 1).padStart(3, '0')}.jpg`);
    files.push(file);
    if (existsSync(file)) continue;
    const shapes = Array.from({ length: 12 }, (_, k) => {
      const x = ((i * 7919 + k * 104729) % width) | 0;
      const y = ((i * 6271 + k * 15485863) % height) | 0;
      return `<circle cx="${x}" cy="${y}" r="${60 + ((i + k) % 9) * 25}" fill="hsl(${(i * 37 + k * 53) % 360},60%,50%)" fill-opacity="0.5"/>`;
    }).join('');
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes}</svg>`);
    await sharp(source)
      .resize(width, height, { fit: 'fill' })
      .modulate({ brightness: 0.85 + (i % 7) * 0.05, hue: (i * 23) % 360 })
      .composite([{ input: svg }])
      .jpeg({ quality: 88 })
      .toFile(file);
  }
  return files;
}

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`vite preview did not answer on ${url}`);
}

/** Waits until no image is waiting, detecting or removing; returns the states. */
async function settle(page: Page, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const states = await page.locator('[data-testid="doc-status"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state') ?? ''));
    if (!states.some((s) => /^(waiting|detecting|removing)/.test(s))) return states;
    if (Date.now() > until) throw new Error(`timed out; states ${JSON.stringify(count(states))}`);
    await page.waitForTimeout(1000);
  }
}

function count(states: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of states) out[s] = (out[s] ?? 0) + 1;
  return out;
}

async function uaMemory(page: Page): Promise<number | null> {
  return page
    .evaluate(async () => {
      const p = performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
      if (!p.measureUserAgentSpecificMemory || !self.crossOriginIsolated) return null;
      const timeout = new Promise<null>((r) => setTimeout(() => r(null), 15_000));
      const m = await Promise.race([p.measureUserAgentSpecificMemory(), timeout]);
      return m ? m.bytes : null;
    })
    .catch(() => null);
}

/** What the worker holds at the end of a phase (`window.__unmark.engineStats`), or null if the page does not say. */
async function engineStats(page: Page): Promise<Record<string, number | boolean> | null> {
  return page
    .evaluate(() => (window as unknown as { __unmark?: { engineStats?: () => Promise<Record<string, number | boolean>> } }).__unmark?.engineStats?.() ?? null)
    .catch(() => null);
}

/** The worker's own count of what it holds (MiB), as a sentence for the section. */
function heldLine(phase: Phase, h: Record<string, number | boolean> | null): string[] {
  if (!h) return [];
  const m = (k: string) => (typeof h[k] === 'number' ? (h[k] / MiB).toFixed(1) : '–');
  return [
    '',
    `The worker at the end of ${phase}: ${h.docs} images (${h.decoded} decoded), ${h.results} results (${h.decodedResults} decoded, patches ${m('patchBytes')} MiB), masks ${m('liveMaskBytes')} MiB live + ${m('packedMaskBytes')} MiB packed, undo histories ${m('historyBytes')} MiB.`,
  ];
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), ['no-build', 'no-write', 'incognito']);
  const n = Number(flags.get('n') ?? 20);
  const [width, height] = (flags.get('side') ?? '4000x3000').split('x').map(Number);
  const dist = path.resolve(REPO_ROOT, flags.get('dist') ?? 'dist-mem');
  const port = Number(flags.get('port') ?? 4475);
  const label = flags.get('label') ?? 'run';
  const deadline = Date.now() + Number(flags.get('max-minutes') ?? 120) * 60_000;
  const left = () => Math.max(1000, deadline - Date.now());
  const log = (s: string) => console.log(`[memory ${new Date().toISOString().slice(11, 19)}] ${s}`);
  const machine = describeMachine();

  log(`making ${n} JPEGs of ${width}×${height}…`);
  const files = await makeInputs(n, width, height);
  const vite = path.join(REPO_ROOT, 'node_modules/.bin/vite');
  if (!flags.has('no-build')) {
    log(`building into ${dist}…`);
    execFileSync(vite, ['build', '--outDir', dist], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const server = spawn(vite, ['preview', '--outDir', dist, '--port', String(port), '--strictPort'], { cwd: REPO_ROOT, stdio: 'ignore', detached: true });
  const samples: Sample[] = [];
  const phaseMs: Partial<Record<Phase, number>> = {};
  const ua: Partial<Record<Phase, number | null>> = {};
  const held: Partial<Record<Phase, Record<string, number | boolean> | null>> = {};
  let phase: Phase = 'open';
  let result: Record<string, unknown> = {};
  let stopped: string | null = null;
  const t0 = Date.now();
  const timer = setInterval(() => samples.push(sample(phase, t0)), 500);
  const incognito = flags.has('incognito');
  const contextOptions = { serviceWorkers: 'block' as const, acceptDownloads: true, viewport: { width: 1440, height: 900 } };
  const profile = incognito ? null : mkdtempSync(path.join(tmpdir(), 'unmark-memory-profile-'));
  let context: BrowserContext;
  if (profile) context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...contextOptions });
  else context = await (await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })).newContext(contextOptions);
  try {
    await waitForServer(`http://localhost:${port}/`, 30_000);
    const page = await context.newPage();
    // The budget guard (engine/memory.ts) would refuse the 11th 12 MP image; this bench measures what it guards.
    await page.goto(`http://localhost:${port}/?backend=wasm&maxMemMB=1000000`);
    await page.locator('[data-testid="backend-badge"]').filter({ hasText: 'WASM' }).waitFor({ timeout: 300_000 });
    await page.locator('[data-testid="model-progress"]').waitFor({ state: 'hidden', timeout: 300_000 });
    const run = async (p: Phase, work: () => Promise<void>) => {
      phase = p;
      const start = Date.now();
      log(`${p}…`);
      await work();
      phaseMs[p] = Date.now() - start;
      samples.push(sample(p, t0));
      held[p] = await engineStats(page);
      ua[p] = await uaMemory(page);
    };
    await run('open', async () => {
      await page.locator('[data-testid="file-input"]').setInputFiles(files);
      await page.locator('[data-testid="doc-item"]').nth(n - 1).waitFor({ timeout: left() });
      await page.locator('[data-testid="status"][data-state="idle"], [data-testid="status"][data-state="done"]').waitFor({ timeout: left() });
    });
    let states: string[] = [];
    await run('detect all', async () => {
      await page.getByRole('button', { name: 'Detect all' }).click();
      states = await settle(page, left());
      log(`after detect: ${JSON.stringify(count(states))}`);
    });
    await run('remove all', async () => {
      await page.getByRole('button', { name: 'Remove all' }).click();
      states = await settle(page, left());
      log(`after remove: ${JSON.stringify(count(states))}`);
    });
    let zipBytes = 0;
    await run('download all', async () => {
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: left() }),
        page.locator('[data-testid="batch-bar-download"]').click(),
      ]);
      const out = path.join(tmpdir(), `unmark-memory-${label}.zip`);
      await download.saveAs(out);
      zipBytes = readFileSync(out).length;
    });
    result = { states: count(states), zipBytes };
  } catch (e) {
    stopped = `stopped during "${phase}": ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    log(stopped);
    const states = await context.pages()[0]?.locator('[data-testid="doc-status"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-state') ?? '')).catch(() => []);
    result = { states: count(states ?? []) };
  } finally {
    clearInterval(timer);
    await (context.browser() ?? context).close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  }

  const peak = (p: Phase, key: 'rendererRss' | 'totalPss') => Math.max(0, ...samples.filter((s) => s.phase === p).map((s) => s[key]));
  const mib = (b: number | null | undefined) => (b == null ? '–' : `${Math.round(b / MiB)}`);
  const rows = PHASES.map((p) => [p, `${((phaseMs[p] ?? 0) / 1000).toFixed(0)}`, mib(peak(p, 'rendererRss')), mib(peak(p, 'totalPss')), mib(ua[p])]);
  const overall = Math.max(...samples.map((s) => s.totalPss));
  const md = [
    `_Run ${machine.date}, ${machine.cores} cores, load average ${machine.loadAverage} at the start; ${n} JPEGs of ${width}×${height}; ${incognito ? 'off-the-record context' : 'profile on disk'}; \`npm run bench:memory -- ${process.argv.slice(2).join(' ')}\`._`,
    '',
    table(['phase', 's', 'peak renderer RSS (MiB)', 'peak Chromium PSS, all processes (MiB)', 'measureUserAgentSpecificMemory at the end (MiB)'], rows),
    '',
    `Peak over the run: ${mib(overall)} MiB PSS (all Chromium processes). Final queue: ${JSON.stringify(result.states)}; ZIP ${mib(result.zipBytes as number)} MiB.${stopped ? ` **Incomplete**: ${stopped}.` : ''}`,
    ...heldLine(held['remove all'] ? 'remove all' : 'detect all', held['remove all'] ?? held['detect all'] ?? null),
  ].join('\n');
  const outDir = path.join(REPO_ROOT, 'bench-out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, `memory-${label}.json`), JSON.stringify({ n, width, height, machine, incognito, phaseMs, ua, held, result, stopped, samples }, null, 1));
  if (!flags.has('no-write')) writeSection(path.join(REPO_ROOT, 'docs/performance.md'), `bench:memory-${label}`, md);
  console.log(md);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
