/**
 * Turns the command line's inputs into a list of image files, each with the
 * relative path its output mirrors under --out:
 * - a file:   its own name ("a/b/c.jpg" → "c.jpg");
 * - a folder: walked recursively, paths relative to it ("dir" → "sub/c.jpg");
 * - a glob:   "*", "?" and "**" (any depth), relative to the glob's static
 *   prefix ("photos/**\/*.jpg" → "2024/c.jpg"). Quote it so the shell does not
 *   expand it first; a shell-expanded glob is just a list of files.
 * Folders and globs keep only .jpg .jpeg .png .webp; an explicit file is
 * always taken, and the engine's validation says what is wrong with it.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './args';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);

export interface InputFile {
  /** Absolute path. */
  abs: string;
  /** Relative path mirrored under --out, always with '/' separators. */
  rel: string;
}

export interface ExpandOptions {
  /** Folders never walked into (the output folder when it sits inside an input folder). */
  exclude?: string[];
}

export function hasGlobMagic(s: string): boolean {
  return /[*?[]/.test(s);
}

export function expandInputs(args: readonly string[], opts: ExpandOptions = {}): InputFile[] {
  const exclude = (opts.exclude ?? []).map((p) => path.resolve(p));
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const push = (abs: string, rel: string) => {
    if (seen.has(abs)) return; // the same file named twice (e.g. a file and its folder)
    seen.add(abs);
    out.push({ abs, rel: rel.split(path.sep).join('/') });
  };
  for (const arg of args) {
    const abs = path.resolve(arg);
    const stat = statOrNull(abs);
    if (stat?.isFile()) {
      push(abs, path.basename(abs));
    } else if (stat?.isDirectory()) {
      for (const f of walk(abs, exclude)) push(f, path.relative(abs, f));
    } else if (hasGlobMagic(arg)) {
      const { base, matcher } = compileGlob(arg);
      const baseStat = statOrNull(base);
      if (!baseStat?.isDirectory()) continue;
      let any = false;
      for (const f of walk(base, exclude)) {
        const rel = path.relative(base, f).split(path.sep).join('/');
        if (matcher.test(rel)) {
          push(f, rel);
          any = true;
        }
      }
      if (!any) throw new UsageError(`No images match "${arg}".`);
    } else {
      throw new UsageError(`No such file or folder: ${arg}`);
    }
  }
  return out;
}

function statOrNull(p: string) {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/** Image files under `dir`, sorted, skipping dot-folders and excluded folders. */
function* walk(dir: string, exclude: readonly string[]): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name.startsWith('.') || exclude.includes(p)) continue;
      yield* walk(p, exclude);
    } else if ((e.isFile() || (e.isSymbolicLink() && statOrNull(p)?.isFile())) && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase())) {
      yield p;
    }
  }
}

/** Split a glob into the folder before its first wildcard segment and a matcher for the rest. */
export function compileGlob(pattern: string): { base: string; matcher: RegExp } {
  const segments = pattern.split(/[/\\]/);
  const firstMagic = segments.findIndex(hasGlobMagic);
  const baseSegs = segments.slice(0, firstMagic);
  const base = path.resolve(baseSegs.length === 0 ? '.' : baseSegs.join('/') || '/');
  const rest = segments.slice(firstMagic);
  let re = '';
  rest.forEach((seg, i) => {
    const last = i === rest.length - 1;
    if (seg === '**') {
      // "**/" matches zero or more folders; a trailing "**" matches everything below.
      re += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    re += segmentToRegex(seg) + (last ? '' : '/');
  });
  return { base, matcher: new RegExp(`^${re}$`, process.platform === 'win32' ? 'i' : '') };
}

function segmentToRegex(seg: string): string {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = seg.slice(i + 1, close).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return re;
}
