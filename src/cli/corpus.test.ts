/**
 * The hostile corpus (e2e/corpus/hostile.ts) through `unmark remove` in one
 * run: every refusal has the expected code, every accepted file has its display
 * size, and in every PNG output the pixels outside the mask are bit-identical
 * to the input as sharp decodes it (an independent decoder: sharp's own EXIF
 * rotation, not the engine's).
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHostileCorpus, type CorpusEntry } from '../../e2e/corpus/hostile';
import type { RgbaImage } from '../engine/types';
import { decodeMask, decodeRgba } from '../platform/node/codec';
import { runCli } from './fixtures';
import type { FileRecord } from './process-file';

let dir: string;
let corpus: CorpusEntry[];
const at = (...p: string[]) => path.join(dir, ...p);
const stem = (name: string) => name.replace(/\.[^.]*$/, '');
const LONG = `${'L'.repeat(246)}.png`; // the output '<stem>-clean.png' would be 256 bytes

/**
 * The input as sharp sees it, with the colour policy of engine/colour.ts written
 * out again here: a CMYK file without a profile by the formula, else sharp.
 */
async function independentRgba(bytes: Buffer): Promise<RgbaImage> {
  const meta = await sharp(bytes).metadata();
  if (meta.space !== 'cmyk' || meta.icc) return decodeRgba(bytes, 1e9);
  const { data, info } = await sharp(bytes).rotate().pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8ClampedArray(info.width * info.height * 4);
  for (let p = 0; p < info.width * info.height; p++) {
    for (let k = 0; k < 3; k++) out[p * 4 + k] = Math.floor(((255 - data[p * 4 + k]) * (255 - data[p * 4 + 3])) / 255);
    out[p * 4 + 3] = 255;
  }
  return { width: info.width, height: info.height, data: out };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'unmark-corpus-'));
  corpus = await makeHostileCorpus();
  await mkdir(at('corpus'), { recursive: true });
  await mkdir(at('masks'), { recursive: true });
  for (const c of corpus) {
    await writeFile(at('corpus', c.name), c.bytes);
    if (!c.expect.ok) continue;
    // A mask over the middle third, in display orientation.
    const { width: w, height: h } = c.expect;
    const m = Buffer.alloc(w * h);
    for (let y = Math.floor(h / 3); y < Math.ceil((2 * h) / 3); y++) m.fill(255, y * w + Math.floor(w / 3), y * w + Math.ceil((2 * w) / 3));
    await sharp(m, { raw: { width: w, height: h, channels: 1 } }).png().toFile(at('masks', `${stem(c.name)}.png`));
  }
  await writeFile(at('corpus', LONG), corpus[0].bytes);
  await symlink('loop.png', at('corpus', 'loop.png')); // a symlink to itself
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('hostile corpus through the CLI', () => {
  it('has at least 60 inputs', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
  });

  it('refuses each bad input with its code, keeps pixels outside the mask in each good one', async () => {
    const r = await runCli(['remove', 'corpus', '--mask', 'masks', '--method', 'telea', '--out', 'out', '--json'], dir, 240_000);
    expect(r.code, r.stderr).toBe(1);
    const byFile = new Map<string, FileRecord>();
    for (const line of r.stdout.trim().split('\n')) {
      const rec = JSON.parse(line) as FileRecord;
      byFile.set(path.basename(rec.file), rec);
    }
    // The symlink loop is skipped by the folder walk; the long name fails alone.
    expect(byFile.has('loop.png')).toBe(false);
    expect(byFile.get(LONG)?.error?.code).toBe('E_OUTPUT_NAME');

    const mismatches: string[] = [];
    for (const c of corpus) {
      const rec = byFile.get(c.name);
      const got = rec?.status === 'ok' ? `ok ${rec.width}×${rec.height}` : (rec?.error?.code ?? 'no record');
      const want = c.expect.ok ? `ok ${c.expect.width}×${c.expect.height}` : c.expect.code;
      if (got !== want) mismatches.push(`${c.name} (${c.why}): got ${got}${rec?.error ? ` "${rec.error.message}"` : ''}, want ${want}`);
    }
    expect(mismatches).toEqual([]);
    expect(byFile.size).toBe(corpus.length + 1);

    for (const c of corpus) {
      if (!c.expect.ok) continue;
      const input = await independentRgba(c.bytes);
      const output = await decodeRgba(await readFile(at('out', `${stem(c.name)}-clean.png`)), 1e9);
      const mask = await decodeMask(await readFile(at('masks', `${stem(c.name)}.png`)), 1e9);
      expect([output.width, output.height], c.name).toEqual([input.width, input.height]);
      let changedOutside = 0;
      for (let i = 0; i < mask.data.length; i++) {
        if (mask.data[i] !== 0) continue;
        for (let k = 0; k < 4; k++) if (input.data[i * 4 + k] !== output.data[i * 4 + k]) changedOutside++;
      }
      expect(changedOutside, `${c.name}: values changed outside the mask`).toBe(0);
    }
  }, 300_000);
});
