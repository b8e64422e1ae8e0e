/**
 * End to end in Node: file in → encoded file out through the real CLI
 * (`node bin/unmark.mjs remove … --json`), one process per photo so that peak
 * memory is that photo's (max RSS from /usr/bin/time, i.e. VmHWM). Inputs are
 * synthesised from a held-out photo upscaled with sharp plus a mark:
 * a semi-transparent corner logo (1, 12, 48 MP) or a full-frame tiled pattern
 * (12 MP). Each runs twice: auto (detect + remove) and with the true mask
 * (removal of a known area, whatever the detector finds).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { FileRecord } from '../cli/process-file';
import { REPO_ROOT } from '../platform/node/paths';

export interface E2eCase {
  label: string;
  width: number;
  height: number;
  mark: 'corner logo' | 'tiled pattern';
}

export const E2E_CASES: E2eCase[] = [
  { label: '1 MP, corner logo', width: 1152, height: 864, mark: 'corner logo' },
  { label: '12 MP, corner logo', width: 4000, height: 3000, mark: 'corner logo' },
  { label: '48 MP, corner logo', width: 8000, height: 6000, mark: 'corner logo' },
  { label: '12 MP, tiled pattern', width: 4000, height: 3000, mark: 'tiled pattern' },
];

export interface E2eRun {
  label: string;
  variant: 'auto' | 'true mask';
  inputBytes: number;
  outputBytes: number | null;
  wallMs: number;
  maxRssMiB: number | null;
  record: FileRecord | null;
  exitCode: number;
  stderrTail?: string;
}

const PHOTOS = '/work/shared/data/photos';

/** The largest photo of the test split (held out from training), so upscaling stretches it least. */
export async function sourcePhoto(): Promise<string> {
  const listFile = path.join(REPO_ROOT, 'training/splits/test-photos.txt');
  const names = existsSync(listFile) ? readFileSync(listFile, 'utf8').split(/\s+/).filter(Boolean) : [];
  let best: { file: string; pixels: number } | null = null;
  for (const name of names) {
    const file = path.join(PHOTOS, name);
    if (!existsSync(file)) continue;
    const m = await sharp(file).metadata();
    const pixels = (m.width ?? 0) * (m.height ?? 0);
    if (!best || pixels > best.pixels) best = { file, pixels };
  }
  if (!best) throw new Error(`No test-split photo found in ${PHOTOS}`);
  return best.file;
}

function markSvg(c: E2eCase, forMask: boolean): Buffer {
  const { width: w, height: h } = c;
  const fill = forMask ? '#fff' : 'rgba(255,255,255,0.55)';
  const stroke = forMask ? '#fff' : 'rgba(0,0,0,0.35)';
  if (c.mark === 'corner logo') {
    const lw = Math.round(w * 0.3);
    const lh = Math.round(h * 0.08);
    const x = w - lw - Math.round(w * 0.03);
    const y = h - lh - Math.round(h * 0.03);
    const r = lh / 2;
    // DejaVu Sans Bold capitals are ~0.75 em wide: size the 16 characters to the space right of the circle.
    const fontSize = Math.round(Math.min(lh * 0.55, (lw - 2.4 * r) / (16 * 0.75)));
    return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <circle cx="${x + r}" cy="${y + r}" r="${r * 0.9}" fill="${fill}" stroke="${stroke}" stroke-width="${Math.max(1, r * 0.06)}"/>
  <text x="${x + 2.2 * r}" y="${y + lh * 0.68}" font-family="DejaVu Sans" font-weight="bold" font-size="${fontSize}"
    fill="${fill}" stroke="${stroke}" stroke-width="${Math.max(1, lh * 0.01)}">NORTHLIGHT PHOTO</text>
</svg>`);
  }
  const cell = Math.round(w / 6);
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <defs><pattern id="p" width="${cell}" height="${Math.round(cell * 0.6)}" patternUnits="userSpaceOnUse" patternTransform="rotate(-30)">
    <text x="0" y="${Math.round(cell * 0.3)}" font-family="DejaVu Sans" font-weight="bold" font-size="${Math.round(cell * 0.16)}"
      fill="${forMask ? '#fff' : 'rgba(255,255,255,0.35)'}">© PREVIEW</text>
  </pattern></defs>
  <rect width="${w}" height="${h}" fill="url(#p)"/>
</svg>`);
}

/** Writes DIR/<slug>.jpg (the watermarked photo, JPEG q92 like a camera) and DIR/<slug>-mask.png. */
export async function synthesise(c: E2eCase, photo: string, dir: string): Promise<{ input: string; mask: string }> {
  const slug = c.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const input = path.join(dir, `${slug}.jpg`);
  const mask = path.join(dir, `${slug}-mask.png`);
  if (existsSync(input) && existsSync(mask)) return { input, mask };
  await sharp(photo, { limitInputPixels: false })
    .rotate()
    .resize(c.width, c.height, { fit: 'cover', kernel: 'lanczos3' })
    .composite([{ input: markSvg(c, false), left: 0, top: 0 }])
    .jpeg({ quality: 92 })
    .toFile(input);
  await sharp({ create: { width: c.width, height: c.height, channels: 3, background: '#000' }, limitInputPixels: false })
    .composite([{ input: markSvg(c, true), left: 0, top: 0 }])
    .toColourspace('b-w')
    .threshold(1)
    .dilate(2)
    .png()
    .toFile(mask);
  return { input, mask };
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/time',
      ['-f', 'MAXRSS_KB=%M', process.execPath, path.join(REPO_ROOT, 'bin/unmark.mjs'), ...args],
      { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, wallMs: performance.now() - t0 });
      },
    );
  });
}

export async function runE2eBench(opts: { outDir: string; threads: number; cases: E2eCase[]; log: (s: string) => void }): Promise<{ photo: string; runs: E2eRun[] }> {
  const dataDir = path.join(opts.outDir, 'e2e-inputs');
  const resultDir = path.join(opts.outDir, 'e2e-outputs');
  mkdirSync(dataDir, { recursive: true });
  const photo = await sourcePhoto();
  const runs: E2eRun[] = [];
  for (const c of opts.cases) {
    opts.log(`e2e: synthesising ${c.label}…`);
    const { input, mask } = await synthesise(c, photo, dataDir);
    for (const variant of ['auto', 'true mask'] as const) {
      opts.log(`e2e: ${c.label}, ${variant}…`);
      const out = path.join(resultDir, variant === 'auto' ? 'auto' : 'mask');
      const args = ['remove', input, '--out', out, '--json', '--threads', String(opts.threads), ...(variant === 'true mask' ? ['--mask', mask] : [])];
      const r = await runCli(args);
      const rss = /MAXRSS_KB=(\d+)/.exec(r.stderr);
      const line = r.stdout.trim().split('\n').filter(Boolean).pop();
      const record = line ? (JSON.parse(line) as FileRecord) : null;
      const outputFile = record?.output ? path.resolve(REPO_ROOT, record.output) : null;
      runs.push({
        label: c.label,
        variant,
        inputBytes: statSync(input).size,
        outputBytes: outputFile && existsSync(outputFile) ? statSync(outputFile).size : null,
        wallMs: Math.round(r.wallMs),
        maxRssMiB: rss ? Math.round(Number(rss[1]) / 1024) : null,
        record,
        exitCode: r.code,
        ...(r.code !== 0 ? { stderrTail: r.stderr.trim().split('\n').slice(-3).join(' | ') } : {}),
      });
    }
  }
  return { photo, runs };
}
