/**
 * Speed benchmark: `npm run bench:speed -- [--reps 5] [--webgpu] [--skip-node]
 *   [--skip-browser] [--skip-e2e] [--e2e 1mp,12mp,48mp,tiled] [--threads 2]
 *   [--browser-timeout 300] [--out bench-out]`
 *
 * 1. Node, per model in the manifest: detect() on 1024- and 2048-px-long images
 *    (detectors), one 512² tile through the session (removers); WASM with 1 and
 *    2 threads (one process each), onnxruntime-node if it is installed.
 * 2. Headless Chromium running the real worker (speed-browser.ts).
 * 3. End to end through the CLI for 1, 12 and 48 MP photos (speed-e2e.ts).
 * Writes bench-out/speed.{json,md} and the tables into docs/performance.md.
 * It measures only: nothing here passes or fails on a time.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hasOrtNode, ORT_NODE_INSTALL_HINT } from '../platform/node/ort-host';
import { REPO_ROOT } from '../platform/node/paths';
import { describeMachine, fmt, machineMarkdown, parseFlags, table, writeSection, type Machine, type Stats } from './common';
import { BROWSER_COMMANDS, CHROMIUM_ARGS, chromiumVersion, runBrowserBench, type BrowserRun } from './speed-browser';
import { E2E_CASES, runE2eBench, type E2eRun } from './speed-e2e';
import type { NodeSpeedResult } from './speed-node';

const log = (s: string) => process.stderr.write(`${s}\n`);

function runNode(backend: 'wasm' | 'cpu', threads: number, reps: number): Promise<NodeSpeedResult> {
  const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
  return new Promise((resolve, reject) => {
    execFile(
      tsx,
      ['src/bench/speed-node.ts', '--backend', backend, '--threads', String(threads), '--reps', String(reps)],
      { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`speed-node ${backend}/${threads} failed: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as NodeSpeedResult);
      },
    );
  });
}

const cell = (s: Stats | undefined) => (s ? `${fmt(s.median, 0)} (${fmt(s.min, 0)}–${fmt(s.max, 0)})` : '–');

function nodeMarkdown(runs: { label: string; result: NodeSpeedResult }[], ortNodeNote: string | null): string {
  const keys = new Map<string, { model: string; role: string; run: string }>();
  for (const { result } of runs) {
    for (const m of result.models) for (const run of Object.keys(m.runs)) keys.set(`${m.model}|${run}`, { model: m.model, role: m.role, run });
  }
  const rows = [...keys.values()].map((k) => [
    `\`${k.model}\``,
    k.role,
    k.run,
    ...runs.map(({ result }) => cell(result.models.find((m) => m.model === k.model)?.runs[k.run])),
  ]);
  const loads = [...new Set(runs.flatMap(({ result }) => result.models.map((m) => m.model)))].map((model) => [
    `\`${model}\``,
    ...runs.map(({ result }) => fmt(result.models.find((m) => m.model === model)?.loadMs ?? NaN, 0)),
  ]);
  const errors = runs.flatMap(({ label, result }) => result.errors.map((e) => `- ${label}: ${e}`));
  return [
    'Detectors: `detect()` from engine/detect.ts with that one model (area resize to the model\'s maxSide, tensor prep, session run, map post-processing, regions). Removers: one `session.run` on a 512² tile (image + mask tensors).',
    '',
    table(['model', 'role', 'input', ...runs.map((r) => r.label)], rows),
    '',
    'Session start + first run (ms; the first model loaded in a process also pays for starting ORT\'s WASM):',
    '',
    table(['model', ...runs.map((r) => r.label)], loads),
    ortNodeNote ? `\n${ortNodeNote}` : '',
    errors.length ? `\nModel errors:\n${errors.join('\n')}` : '',
  ].join('\n');
}

function browserMarkdown(runs: BrowserRun[]): string {
  const labels = [...new Set(runs.flatMap((r) => Object.keys(r.runs)))];
  const rows = runs.map((r) => [
    r.label,
    r.error ? `failed: ${r.error}` : r.backend,
    r.crossOriginIsolated ? 'yes' : 'no',
    fmt(r.initMs, 0),
    ...labels.map((l) => cell(r.runs[l])),
  ]);
  return [
    `Served by: ${BROWSER_COMMANDS.map((c) => `\`${c}\``).join(', then ')}; Chromium flags: \`${CHROMIUM_ARGS.join(' ')}\` (+ \`--enable-unsafe-webgpu\` for WebGPU).`,
    '',
    '`detect N px` runs every detector in the manifest and combines their maps (`repeats: false`); `detect + lattice N px` is Detect as the app runs it on a newly opened image: the detectors, then the tiled-mark lattice search (a fresh document each time, since the worker keeps each document\'s search; these pictures hold no lattice, so it ends at the autocorrelation). `remove 512²` is `api.remove` on a 512×512 image with a centred mask: one tile through the learned remover, paste, and the ImageBitmap for display. `patch fill 512²` is `api.remove` with method `patch` on a 512×512 image masked in 6-px strokes every 60 rows (about 10 %): the one-colour fit per region, the patch fill (plain JS, so the backend does not matter) and the bitmap. The mark rows (2-thread configuration only, timed from the page around the worker call, no warm-up): `api.findRepeats` on a 4000×3000 picture with a white mark tiled every 400×250 px (the search, the estimate, one instance cut for the α preview, the mask proposal); `remove with that tiled mark` is the app\'s Remove right after, with the lattice\'s mask accepted (the inversion, the fill of any part too opaque to invert, the result kept and its bitmap); and `api.learnSharedMark` over 16 pictures of 1152×864 sharing one mark moved ±10 px (decode not timed). `init` is loading + verifying the models and starting the sessions.',
    '',
    table(['configuration', 'backend used', 'isolated', 'init', ...labels], rows),
  ].join('\n');
}

function e2eMarkdown(photo: string, runs: E2eRun[]): string {
  const rows = runs.map((r) => {
    const rec = r.record;
    const t = rec?.timings ?? {};
    const mp = rec?.width ? `${rec.width}×${rec.height}` : '–';
    const masked = rec?.maskedPixels !== undefined && rec.width ? `${fmt((rec.maskedPixels / (rec.width * (rec.height ?? 1))) * 100, 2)} %` : '–';
    const status = rec ? (rec.status === 'ok' ? 'ok' : `${rec.status} ${rec.error?.code ?? ''}`) : `exit ${r.exitCode} ${r.stderrTail ?? ''}`;
    return [
      r.label,
      r.variant,
      mp,
      status,
      rec?.method ?? '–',
      rec?.tiles !== undefined ? String(rec.tiles) : '–',
      masked,
      fmt(t.decode, 0),
      fmt(t.models, 0),
      fmt(t.detect, 0),
      fmt(t.remove, 0),
      fmt(t.encode, 0),
      fmt(t.total, 0),
      fmt(r.wallMs, 0),
      r.maxRssMiB !== null ? String(r.maxRssMiB) : '–',
      `${fmt(r.inputBytes / 2 ** 20, 1)} → ${r.outputBytes !== null ? fmt(r.outputBytes / 2 ** 20, 1) : '–'}`,
    ];
  });
  return [
    `Source photo: \`${path.basename(photo)}\` (test split), upscaled with sharp (lanczos3) and marked; JPEG q92. "auto" = detect + remove; "true mask" = \`--mask\` with the mask the mark was drawn with, so removal time does not depend on what the detector finds. Stage times (ms) come from the CLI's \`--json\` record: decode = read + validate + decode; models = load + verify + start sessions (paid once per process); detect = detectors + mask at full resolution (for "true mask": reading the mask); remove = crops → model → paste; encode = PNG + write. wall = the whole process including Node/tsx start. Peak memory = max RSS of the process (VmHWM via /usr/bin/time).`,
    '',
    table(['photo', 'variant', 'pixels', 'status', 'method', 'tiles', 'masked', 'decode', 'models', 'detect', 'remove', 'encode', 'total', 'wall', 'peak MiB', 'MiB in → out'], rows),
  ].join('\n');
}

/** A part's heading: parts can be rerun alone (--skip-…), so each says when and how it ran. */
function partHeading(title: string, command: string, machine: Machine): string {
  return `#### ${title}\n\n_Run ${machine.date.slice(0, 16).replace('T', ' ')} UTC, load average ${machine.loadAverage || '–'} (1/5/15 min) at the start, \`${command}\`._`;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), ['webgpu', 'skip-node', 'skip-browser', 'skip-e2e']);
  const reps = Number(flags.get('reps') ?? 5);
  const threads = Number(flags.get('threads') ?? 2);
  const outDir = path.resolve(REPO_ROOT, flags.get('out') ?? 'bench-out');
  const doc = path.join(REPO_ROOT, 'docs/performance.md');
  const command = `npm run bench:speed -- ${process.argv.slice(2).join(' ')}`.trim();
  mkdirSync(outDir, { recursive: true });
  const chromium = chromiumVersion();
  const parts: string[] = [];
  // Each part goes to its own JSON file and its own marked section of docs/performance.md.
  const emit = (part: string, title: string, machine: Machine, body: string, data: unknown) => {
    const md = `${partHeading(title, command, machine)}\n\n${body}`;
    writeFileSync(path.join(outDir, `speed-${part}.json`), JSON.stringify({ machine, chromium, command, data }, null, 1));
    writeSection(doc, `bench:speed-${part}`, md);
    parts.push(md);
  };
  const machine = describeMachine();
  writeSection(doc, 'bench:speed-machine', machineMarkdown(machine, { Chromium: chromium }));

  if (!flags.has('skip-node')) {
    const m = describeMachine();
    const nodeRuns: { label: string; result: NodeSpeedResult }[] = [];
    for (const t of [1, 2]) {
      log(`node: WASM, ${t} thread(s)…`);
      nodeRuns.push({ label: `WASM ${t} thread${t > 1 ? 's' : ''}`, result: await runNode('wasm', t, reps) });
    }
    let ortNodeNote: string | null = null;
    if (await hasOrtNode()) {
      log('node: onnxruntime-node…');
      nodeRuns.push({ label: 'onnxruntime-node (CPU EP)', result: await runNode('cpu', threads, reps) });
    } else {
      ortNodeNote = `onnxruntime-node is not installed, so the native CPU backend was skipped. To include it: \`${ORT_NODE_INSTALL_HINT}\`, then rerun.`;
    }
    emit('node', `Node, per model (ms per call: median (min–max) of ${reps} after one warm-up)`, m, nodeMarkdown(nodeRuns, ortNodeNote), nodeRuns);
  }
  if (!flags.has('skip-browser')) {
    const m = describeMachine();
    const runs = await runBrowserBench({ reps, webgpu: flags.has('webgpu'), timeoutMs: Number(flags.get('browser-timeout') ?? 300) * 1000, log });
    emit('browser', `Headless Chromium, inside the worker (ms: median (min–max) of ${reps} after one warm-up; WebGPU: 1 after one warm-up)`, m, browserMarkdown(runs), runs);
  }
  if (!flags.has('skip-e2e')) {
    const m = describeMachine();
    const pick = (flags.get('e2e') ?? '1mp,12mp,48mp,tiled').split(',');
    const keys = ['1mp', '12mp', '48mp', 'tiled'];
    const cases = E2E_CASES.filter((_, i) => pick.includes(keys[i]));
    const e2e = await runE2eBench({ outDir, threads, cases, log });
    emit('e2e', `End to end in Node: JPEG in → PNG out through the CLI (WASM, ${threads} threads)`, m, e2eMarkdown(e2e.photo, e2e.runs), e2e);
  }

  const md = [`### Speed (\`${command}\`)`, '', machineMarkdown(machine, { Chromium: chromium }), '', ...parts.flatMap((p) => [p, ''])].join('\n');
  writeFileSync(path.join(outDir, 'speed.md'), md);
  process.stdout.write(`${md}\n`);
  log(`wrote ${outDir}/speed-*.json, speed.md and docs/performance.md`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    log(`bench:speed failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
