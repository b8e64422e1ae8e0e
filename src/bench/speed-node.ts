/**
 * One Node speed run in its own process (ORT fixes the WASM thread count when
 * its WASM starts, so each thread count needs a fresh process):
 *   tsx src/bench/speed-node.ts --backend wasm|cpu --threads N [--reps 5]
 * Prints one JSON object (NodeSpeedResult) on stdout. speed.ts drives it.
 */
import { detect } from '../engine/detect';
import type { TensorF32 } from '../engine/runner';
import { maskToNchw, rgbaToNchw } from '../engine/tensor';
import type { OrtRunner } from '../runtime/ort-runner';
import { loadNodeModels, type NodeBackend } from '../platform/node/ort-host';
import { parseFlags, stats, type Stats } from './common';
import { centredMask, syntheticPhoto } from './synth';

export interface ModelTiming {
  model: string;
  role: 'detector' | 'remover';
  version: string;
  /** Session create + first (warm-up) run, from loadModels' progress events. */
  loadMs: number;
  /** Label → timing: "detect 1024 px", "detect 2048 px", "tile 512²". */
  runs: Record<string, Stats>;
}

export interface NodeSpeedResult {
  backend: NodeBackend;
  threads: number;
  reps: number;
  models: ModelTiming[];
  errors: string[];
}

async function timeIt(reps: number, work: () => Promise<unknown>): Promise<Stats> {
  await work(); // warm-up: first-run allocations and kernel selection
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await work();
    ms.push(performance.now() - t0);
  }
  return stats(ms);
}

function tileFeeds(runner: OrtRunner, side: number): Record<string, TensorF32> {
  const e = runner.entry;
  const image = syntheticPhoto(side, side);
  const mask = centredMask(side, side, 0.5);
  const rect = { x: 0, y: 0, width: side, height: side };
  const feeds: Record<string, TensorF32> = {};
  for (const input of e.inputs) {
    if (input.meaning === 'image') feeds[input.name] = { data: rgbaToNchw(image, rect, side, side, input), dims: [1, 3, side, side] };
    else if (input.meaning === 'mask') feeds[input.name] = { data: maskToNchw(mask, rect, side, side), dims: [1, 1, side, side] };
  }
  return feeds;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const backend = (flags.get('backend') ?? 'wasm') as NodeBackend;
  const threads = Number(flags.get('threads') ?? 1);
  const reps = Number(flags.get('reps') ?? 5);

  const phaseAt = new Map<string, number>();
  const loadMs = new Map<string, number>();
  const models = await loadNodeModels({
    backend,
    threads,
    onProgress: (p) => {
      if (p.phase === 'session') phaseAt.set(p.modelId, performance.now());
      if (p.phase === 'ready') loadMs.set(p.modelId, performance.now() - (phaseAt.get(p.modelId) ?? performance.now()));
    },
  });
  const result: NodeSpeedResult = { backend, threads, reps, models: [], errors: models.errors.map((e) => `${e.code}: ${e.message}`) };

  const images = { 'detect 1024 px': syntheticPhoto(1024, 768), 'detect 2048 px': syntheticPhoto(2048, 1536) };
  for (const runner of models.detectors) {
    const runs: Record<string, Stats> = {};
    for (const [label, image] of Object.entries(images)) {
      runs[label] = await timeIt(reps, () => detect(image, [runner], { threshold: 0.5 }));
    }
    result.models.push({ model: runner.entry.id, role: 'detector', version: runner.entry.version, loadMs: loadMs.get(runner.entry.id) ?? NaN, runs });
  }
  for (const runner of models.removers) {
    const side = runner.entry.tile ?? 512;
    const feeds = tileFeeds(runner, side);
    const runs = { [`tile ${side}²`]: await timeIt(reps, () => runner.run(feeds)) };
    result.models.push({ model: runner.entry.id, role: 'remover', version: runner.entry.version, loadMs: loadMs.get(runner.entry.id) ?? NaN, runs });
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`speed-node failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
