/**
 * Command-line parsing. The raw flags are collected by a tiny parser (no
 * dependency), then validated at the boundary by described zod schemas, so
 * every bad value is a usage error with a message, never a crash later.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const COMMANDS = ['detect', 'remove', 'learn'] as const;
export type Command = (typeof COMMANDS)[number];

const defaultThreads = Math.max(1, Math.min(4, availableParallelism()));

const CommonSchema = z.object({
  out: z.string().min(1, '--out DIR is required').describe('Output folder; outputs mirror the inputs\' relative paths'),
  threshold: z.coerce.number().min(0).max(1).default(0.5).describe('Detector probability threshold, 0-1'),
  dilate: z.coerce.number().int().min(0).max(256).default(0).describe('Grow the mask by this many pixels'),
  json: z.boolean().default(false).describe('Print one JSON record per file on stdout'),
  backend: z.enum(['wasm', 'node-cpu']).default('wasm').describe('ONNX Runtime: WASM (onnxruntime-web) or onnxruntime-node'),
  threads: z.coerce.number().int().min(1).max(64).default(defaultThreads).describe('WASM threads'),
  models: z.string().min(1).optional().describe('Folder with manifest.json (default: the repo\'s public/models)'),
  maxMb: z.coerce.number().positive().optional().describe('Largest input file in MB (default 64)'),
  maxMegapixels: z.coerce.number().positive().optional().describe('Largest input in megapixels (default 48)'),
  maxSide: z.coerce.number().int().positive().optional().describe('Largest input width or height in pixels (default 12000)'),
  allowMissingModels: z
    .boolean()
    .default(false)
    .describe('Exit 0 even when a model failed verification and the others were used (the record still warns)'),
});

export const DetectOptionsSchema = CommonSchema.extend({
  noRepeats: z.boolean().default(false).describe('Do not look for a tiled mark repeated inside each image'),
}).describe('unmark detect');

export const LearnOptionsSchema = z
  .object({
    out: z
      .string()
      .min(1, '--out mark.png is required')
      .refine((s) => s.toLowerCase().endsWith('.png'), 'the mark is written as PNG: --out must end in .png')
      .describe('Where to write the mark (PNG: RGB = colour, A = opacity); its JSON sidecar goes next to it'),
    json: z.boolean().default(false).describe('Print the result as one JSON record on stdout'),
    maxMb: CommonSchema.shape.maxMb,
    maxMegapixels: CommonSchema.shape.maxMegapixels,
    maxSide: CommonSchema.shape.maxSide,
  })
  .describe('unmark learn');

export const RemoveOptionsSchema = CommonSchema.extend({
  noRepeats: z.boolean().default(false).describe('Do not look for a tiled mark repeated inside each image'),
  mask: z.string().min(1).optional().describe('Mask file for every input, or a folder of masks (<relative path stem>.png)'),
  maskOut: z.boolean().default(false).describe('Also write the mask that was used, as {stem}-mask.png next to the output'),
  method: z
    .enum(['auto', 'model', 'telea', 'patch'])
    .default('auto')
    .describe('auto: invert where one colour fits, then the recommended fill (the model if recommended, else Telea or the patch fill per region); model / telea / patch: that fill for every masked region'),
  sharedMark: z.boolean().default(false).describe('Estimate one mark from all inputs, then remove it from each'),
  mark: z.string().min(1).optional().describe('A saved mark (PNG from "unmark learn") to find and remove in every input'),
  format: z.enum(['png', 'jpeg', 'webp', 'same']).default('png').describe('Output format; PNG keeps unmasked pixels bit-identical'),
  quality: z.coerce.number().int().min(0).max(100).optional().describe('JPEG/WebP quality'),
  name: z
    .string()
    .min(1)
    .refine((s) => s.includes('{stem}') || s.includes('{name}'), 'the --name template must contain {stem} or {name}')
    .refine((s) => !/[/\\]/.test(s), 'the --name template must not contain a path separator')
    .default('{stem}-clean.{ext}')
    .describe('Output file name; placeholders {stem} {ext} {name}'),
});

export type DetectCliOptions = z.infer<typeof DetectOptionsSchema>;
export type RemoveCliOptions = z.infer<typeof RemoveOptionsSchema>;
export type LearnCliOptions = z.infer<typeof LearnOptionsSchema>;

export type ParsedArgs =
  | { command: 'help'; topic?: Command }
  | { command: 'version' }
  | { command: 'detect'; inputs: string[]; options: DetectCliOptions }
  | { command: 'remove'; inputs: string[]; options: RemoveCliOptions }
  | { command: 'learn'; inputs: string[]; options: LearnCliOptions };

/** Flags that take no value; every other flag takes exactly one. */
const BOOLEAN_FLAGS = new Set(['json', 'maskOut', 'allowMissingModels', 'help', 'version', 'sharedMark', 'noRepeats']);
const FLAGS: Record<Command, Set<string>> = {
  detect: new Set([...Object.keys(DetectOptionsSchema.shape), 'help']),
  remove: new Set([...Object.keys(RemoveOptionsSchema.shape), 'help']),
  learn: new Set([...Object.keys(LearnOptionsSchema.shape), 'help']),
};

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
export const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = rest[0];
    return { command: 'help', topic: isCommand(topic) ? topic : undefined };
  }
  if (first === '--version' || first === '-v') return { command: 'version' };
  if (!isCommand(first)) throw new UsageError(`Unknown command "${first}". Use "detect", "remove", "learn" or "serve".`);

  const { inputs, raw, help } = collectFlags(first, rest, FLAGS[first], BOOLEAN_FLAGS);
  if (help) return { command: 'help', topic: first };
  if (inputs.length === 0) throw new UsageError(`No inputs. Usage: unmark ${first} <files|dirs|globs…> --out DIR`);

  if (first === 'detect') return { command: 'detect', inputs, options: validate(DetectOptionsSchema, raw) };
  if (first === 'learn') return { command: 'learn', inputs, options: validate(LearnOptionsSchema, raw) };
  const options = validate(RemoveOptionsSchema, raw);
  if (options.sharedMark && options.mark) throw new UsageError('Use either --shared-mark (learn the mark from these inputs) or --mark FILE (a saved mark), not both.');
  return { command: 'remove', inputs, options };
}

/**
 * The raw flags of one command: `--flag value`, `--flag=value`, booleans, `--`
 * and positional inputs. Shared by the batch commands and `unmark serve`.
 */
export function collectFlags(
  command: string,
  rest: readonly string[],
  known: ReadonlySet<string>,
  booleans: ReadonlySet<string>,
): { inputs: string[]; raw: Record<string, string | boolean>; help: boolean } {
  const inputs: string[] = [];
  const raw: Record<string, string | boolean> = {};
  let onlyInputs = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (onlyInputs || !arg.startsWith('-') || arg === '-') {
      inputs.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyInputs = true;
      continue;
    }
    if (arg === '-h') return { inputs, raw, help: true };
    if (!arg.startsWith('--')) throw new UsageError(`Unknown option "${arg}".`);
    const eq = arg.indexOf('=');
    const key = camel(arg.slice(2, eq < 0 ? undefined : eq));
    if (!known.has(key)) throw new UsageError(`Unknown option "${arg}" for "${command}". See: unmark ${command} --help`);
    if (key === 'help') return { inputs, raw, help: true };
    if (key in raw) throw new UsageError(`Option --${kebab(key)} is given twice.`);
    if (booleans.has(key)) {
      if (eq >= 0) throw new UsageError(`Option --${kebab(key)} takes no value.`);
      raw[key] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`Option --${kebab(key)} needs a value.`);
    raw[key] = value;
  }
  return { inputs, raw, help: false };
}

export function validate<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const flag = issue?.path.length ? `--${kebab(String(issue.path[0]))}` : 'options';
  const value = issue?.path.length ? raw[String(issue.path[0])] : undefined;
  throw new UsageError(`Invalid ${flag}${value !== undefined && typeof value !== 'boolean' ? ` "${value}"` : ''}: ${issue?.message ?? 'invalid'}`);
}

function isCommand(s: string | undefined): s is Command {
  return s !== undefined && (COMMANDS as readonly string[]).includes(s);
}

export const HELP: Record<'main' | Command, string> = {
  main: `unmark — remove visible watermarks, on this machine.

Usage:
  unmark detect <inputs…> --out DIR [options]   write masks (PNG, white = mark)
  unmark remove <inputs…> --out DIR [options]   write cleaned images
  unmark learn <inputs…> --out mark.png         learn one mark shared by the inputs
  unmark serve [--port 8080] [--host 127.0.0.1]  an HTTP API on the same engine
  unmark <command> --help                        options of a command

Inputs are files, folders (recursive; .jpg .jpeg .png .webp) or quoted globs
("photos/**/*.jpg"). Outputs mirror the inputs' relative paths under --out.
Exit codes: 0 all files done, 1 some file failed (or a model failed its check,
unless --allow-missing-models), 2 usage error.`,
  detect: `unmark detect <inputs…> --out DIR [options]

Writes one mask per input to DIR/<relative path stem>.png (8-bit grey, white =
mark), the layout that "unmark remove --mask DIR" reads back.

Options:
  --out DIR            output folder (required)
  --threshold 0-1      detector threshold (default 0.5)
  --dilate PX          grow the mask by PX pixels (default 0)
  --no-repeats         do not look for a tiled mark repeated inside each image
                       (by default every repeat of an accepted lattice is
                       added to the mask, as one region of kind "pattern")
  --json               one JSON record per file on stdout
  --backend B          wasm (default) | node-cpu (needs onnxruntime-node)
  --threads N          WASM threads (default ${defaultThreads})
  --models DIR         folder with manifest.json (default public/models)
  --allow-missing-models
                       exit 0 when a model failed its check but others
                       worked (each record still lists it under "warnings")`,
  remove: `unmark remove <inputs…> --out DIR [options]

Options:
  --out DIR            output folder (required)
  --mask FILE|DIR      use this mask instead of detecting: one file for every
                       input, or a folder holding <relative path stem>.png per
                       input (e.g. photos/a/b.jpg → DIR/a/b.png; what
                       "unmark detect --out DIR" writes). Non-zero = remove.
  --mask-out           also write the mask used, as {stem}-mask.png
  --method M           auto (default): invert each masked region where one
                       colour fits it, fill the rest with the recommended
                       remover (model if the manifest recommends it, else
                       per region: telea for thin strokes on smooth ground,
                       patch for wide marks and textured ground); model |
                       telea | patch: that fill for every masked region.
                       Known marks (below) are inverted either way.
  --shared-mark        estimate one mark from all inputs (same size, the mark
                       may move), then invert it in each
  --mark FILE          a saved mark (from "unmark learn"): found in each input
                       (scale ±20 %) and inverted
  --no-repeats         do not look for a tiled mark repeated inside each image
                       (by default a tiled mark is found and inverted)
  --threshold 0-1      detector threshold (default 0.5)
  --dilate PX          grow the mask by PX pixels (default 0)
  --format F           png (default) | jpeg | webp | same (as the input)
  --quality 0-100      JPEG (default 92) / WebP (lossless unless < 100)
  --name TEMPLATE      output name, default '{stem}-clean.{ext}';
                       {stem} = input name without extension, {ext} = output
                       extension, {name} = input file name
  --json               one JSON record per file on stdout
  --backend B          wasm (default) | node-cpu (needs onnxruntime-node)
  --threads N          WASM threads (default ${defaultThreads})
  --models DIR         folder with manifest.json (default public/models)
  --allow-missing-models
                       exit 0 when a model failed its check but others
                       worked (each record still lists it under "warnings")

Semi-transparent marks are removed by inverting the blend where the mark is
known (repeats, --shared-mark, --mark) or where one colour fits a region;
opaque parts are filled. --json records name the method of each region:
repeats, shared, saved, one-colour, model, inpaint (Telea) or patch.

Pixels outside the mask are bit-identical to the decoded input in PNG and
lossless WebP output; JPEG re-encodes the whole image.`,
  learn: `unmark learn <inputs…> --out mark.png [options]

Estimates the one mark that the inputs share (at least 2 images of the same
size; the mark may sit at a different place in each) and writes it as one PNG
(16-bit; RGB = the mark's colour, alpha = its opacity) plus mark.json beside it.
Use it with "unmark remove … --mark mark.png". For your own marks only.

Options:
  --out FILE.png       where to write the mark (required)
  --json               print the result as one JSON record on stdout

Errors: E_MARK_TOO_FEW (fewer than 2 images), E_MARK_SIZE_MISMATCH (sizes
differ), E_MARK_NOT_FOUND (no common mark). Exit 1 on these, 2 on usage errors.`,
};
