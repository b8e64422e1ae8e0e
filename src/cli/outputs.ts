/**
 * Where each output goes, decided for the whole batch before any file is
 * processed, so that an unsafe plan (an output that would overwrite an input
 * or a mask, two inputs writing the same output) is refused with exit code 2
 * and nothing written.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { WmError } from '../engine/errors';
import type { ImageFormat } from '../engine/types';
import { UsageError } from './args';
import type { InputFile } from './inputs';

export type OutputFormatOption = ImageFormat | 'same';

export interface PlannedFile {
  input: InputFile;
  /** The main output: the cleaned image (remove) or the mask (detect). */
  output: string;
  format: ImageFormat;
  /** remove --mask-out: where the mask that was used goes. */
  maskOutput?: string;
  /** remove --mask: the mask file to read (it may not exist; that is that file's error). */
  maskInput?: string;
}

const EXT_FORMAT: Record<string, ImageFormat> = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp' };
const FORMAT_EXT: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

function splitName(rel: string): { dir: string; stem: string; ext: string; name: string } {
  const dir = path.posix.dirname(rel);
  const name = path.posix.basename(rel);
  const ext = path.posix.extname(name);
  return { dir: dir === '.' ? '' : dir, stem: name.slice(0, name.length - ext.length), ext: ext.slice(1), name };
}

export function applyTemplate(template: string, vars: { stem: string; ext: string; name: string }): string {
  return template.replace(/\{(stem|ext|name)\}/g, (_, k: 'stem' | 'ext' | 'name') => vars[k]);
}

/** The mask a --mask DIR holds for an input: DIR/<relative path without extension>.png. */
export function maskPathFor(maskDir: string, rel: string): string {
  const { dir, stem } = splitName(rel);
  return path.join(maskDir, dir, `${stem}.png`);
}

/** Resolve through symlinks where the path (or its folder) exists, so aliases compare equal. */
function canonical(p: string): string {
  const abs = path.resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = path.dirname(abs);
  return parent === abs ? abs : path.join(canonical(parent), path.basename(abs));
}

function outDirOf(out: string): string {
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out} exists and is not a folder.`);
  return canonical(out);
}

export function planDetect(inputs: readonly InputFile[], out: string): PlannedFile[] {
  const outDir = outDirOf(out);
  const plan = inputs.map((input) => {
    const { dir, stem } = splitName(input.rel);
    return { input, output: path.join(outDir, dir, `${stem}.png`), format: 'png' as const };
  });
  checkInside(plan, outDir);
  checkPlan(plan, []);
  return plan;
}

export interface RemovePlanOptions {
  out: string;
  format: OutputFormatOption;
  name: string;
  maskOut: boolean;
  /** --mask: a file used for every input, or a folder looked up per input. */
  mask?: string;
}

export function planRemove(inputs: readonly InputFile[], opts: RemovePlanOptions): PlannedFile[] {
  const outDir = outDirOf(opts.out);
  let maskFile: string | undefined;
  let maskDir: string | undefined;
  if (opts.mask !== undefined) {
    if (!existsSync(opts.mask)) throw new UsageError(`--mask ${opts.mask} does not exist.`);
    if (statSync(opts.mask).isDirectory()) maskDir = path.resolve(opts.mask);
    else maskFile = path.resolve(opts.mask);
  }
  const plan = inputs.map((input): PlannedFile => {
    const { dir, stem, ext, name } = splitName(input.rel);
    const inputFormat = EXT_FORMAT[ext.toLowerCase()] ?? 'png';
    const format = opts.format === 'same' ? inputFormat : opts.format;
    const outExt = opts.format === 'same' && EXT_FORMAT[ext.toLowerCase()] ? ext : FORMAT_EXT[format];
    return {
      input,
      output: path.join(outDir, dir, applyTemplate(opts.name, { stem, ext: outExt, name })),
      format,
      maskOutput: opts.maskOut ? path.join(outDir, dir, `${stem}-mask.png`) : undefined,
      maskInput: maskFile ?? (maskDir ? maskPathFor(maskDir, input.rel) : undefined),
    };
  });
  checkInside(plan, outDir);
  checkPlan(plan, plan.flatMap((p) => (p.maskInput ? [p.maskInput] : [])));
  return plan;
}

/**
 * Every planned output must land strictly inside --out. An input whose stem
 * is `..` or `.` (a file named `...png`, with --name '{stem}') would otherwise
 * write beside or above it (issue 11, item 8). Checked before anything is written.
 */
export function checkInside(plan: readonly PlannedFile[], outDir: string): void {
  for (const p of plan) {
    for (const target of [p.output, p.maskOutput]) {
      if (!target) continue;
      const rel = path.relative(outDir, canonical(target));
      if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
        throw new UsageError(
          `Refusing to write outside --out: ${p.input.abs} would be written to ${path.resolve(target)}. Rename the file or choose another --name.`,
        );
      }
    }
  }
}

/** Longest file name most file systems take (NAME_MAX), in bytes of UTF-8. */
export const NAME_MAX_BYTES = 255;
/** Longest path Linux takes (PATH_MAX), in bytes. */
export const PATH_MAX_BYTES = 4095;

/** Refuses, for this file only, an output whose name the file system cannot hold. */
export function checkOutputName(file: string): void {
  const name = path.basename(file);
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > NAME_MAX_BYTES) {
    throw new WmError(
      'E_OUTPUT_NAME',
      `The output name would be ${bytes} bytes long (${name.slice(0, 40)}…); file systems take at most ${NAME_MAX_BYTES}. Shorten the input name or use --name.`,
    );
  }
  if (Buffer.byteLength(file, 'utf8') > PATH_MAX_BYTES) {
    throw new WmError('E_OUTPUT_NAME', `The output path would be longer than ${PATH_MAX_BYTES} bytes; use a shorter --out.`);
  }
}

/** Refuse any plan that writes over an input or a mask, or writes one path twice. */
export function checkPlan(plan: readonly PlannedFile[], protectedPaths: readonly string[]): void {
  const inputs = new Map<string, string>();
  for (const p of plan) inputs.set(canonical(p.input.abs), p.input.abs);
  for (const m of protectedPaths) inputs.set(canonical(m), m);
  const written = new Map<string, string>();
  for (const p of plan) {
    for (const target of [p.output, p.maskOutput]) {
      if (!target) continue;
      const key = canonical(target);
      const clash = inputs.get(key);
      if (clash !== undefined) {
        throw new UsageError(`Refusing to overwrite an input: ${clash} would be the output of ${p.input.abs}. Choose another --out or --name.`);
      }
      const other = written.get(key);
      if (other !== undefined) {
        throw new UsageError(`Two inputs would write the same output ${target}: ${other} and ${p.input.abs}. Give them different names or folders.`);
      }
      written.set(key, p.input.abs);
    }
  }
}
