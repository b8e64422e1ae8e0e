/**
 * Benchmark cases on disk. The layout is the one training/data.py
 * --make-benchmark writes, and any folder laid out the same way works (--data):
 *
 *   DIR/<case>/watermarked.png   the input (any format sharp reads)
 *   DIR/<case>/clean.png         the same photo without the mark (same size)
 *   DIR/<case>/mask.png          where the mark is: > 0 = marked (same size)
 *   DIR/<case>/meta.json         optional: { "family": "text" | "clwd" | … }; default family "all"
 *
 * A case whose mask is empty is a "clean" negative whatever its family says:
 * there, only false positives are measured.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Mask, RgbaImage } from '../engine/types';
import { decodeMask, decodeRgba } from '../platform/node/codec';
import { REPO_ROOT } from '../platform/node/paths';

export interface BenchCase {
  id: string;
  family: string;
  watermarked: RgbaImage;
  clean: RgbaImage;
  truth: Mask;
}

export function listCases(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'watermarked.png')))
    .map((e) => e.name)
    .sort();
}

export async function readCase(dir: string, id: string): Promise<BenchCase> {
  const at = (f: string) => readFileSync(path.join(dir, id, f));
  const metaFile = path.join(dir, id, 'meta.json');
  const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as { family?: string }) : {};
  const c: BenchCase = {
    id,
    family: meta.family ?? 'all',
    watermarked: await decodeRgba(at('watermarked.png'), Number.MAX_SAFE_INTEGER),
    clean: await decodeRgba(at('clean.png'), Number.MAX_SAFE_INTEGER),
    truth: await decodeMask(at('mask.png'), Number.MAX_SAFE_INTEGER),
  };
  for (const [name, img] of [['clean.png', c.clean], ['mask.png', c.truth]] as const) {
    if (img.width !== c.watermarked.width || img.height !== c.watermarked.height) {
      throw new Error(`${id}/${name} is ${img.width}×${img.height}; watermarked.png is ${c.watermarked.width}×${c.watermarked.height}`);
    }
  }
  return c;
}

export interface GenerateOptions {
  n: number;
  seed: number;
  split: 'val' | 'test';
  python?: string;
}

/** Make (or reuse) a fixed-seed set with the training synthesiser, on photos training never saw. */
export function generateCases(outRoot: string, opts: GenerateOptions): { dir: string; command: string } {
  const dir = path.join(outRoot, `quality-data-${opts.split}-s${opts.seed}-n${opts.n}`);
  const python = opts.python ?? '/usr/bin/python3';
  const args = ['training/data.py', '--make-benchmark', dir, '--n', String(opts.n), '--seed', String(opts.seed), '--split', opts.split];
  const command = `${python} ${args.join(' ').replace(REPO_ROOT, '')}`;
  if (!existsSync(path.join(dir, 'index.json'))) {
    if (!existsSync(path.join(REPO_ROOT, 'training/data.py'))) {
      throw new Error('training/data.py is missing: pass --data DIR with a folder of cases instead.');
    }
    execFileSync(python, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return { dir, command };
}
