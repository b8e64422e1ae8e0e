/**
 * `unmark serve` options: one described zod schema for the flags and the
 * environment (UNMARK_PORT, UNMARK_LIMIT_ANONYMOUS, …; a flag wins), so every
 * value is checked once, at start-up, and a bad one is a usage error that names
 * the flag. Nothing heavy is imported here: `unmark serve --help` is instant.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { collectFlags, kebab, UsageError, validate } from '../cli/args';

/** N requests per SECONDS, written `N/SECONDS` (e.g. 100/3600). */
export interface Rate {
  points: number;
  seconds: number;
}

const rate = (what: string) =>
  z
    .string()
    .transform((s, ctx): Rate => {
      const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(s);
      const points = m ? Number(m[1]) : NaN;
      const seconds = m ? Number(m[2]) : NaN;
      if (!(points >= 1 && points <= 1e9 && seconds >= 1 && seconds <= 86_400 * 366)) {
        ctx.addIssue({ code: 'custom', message: `${what} must be N/SECONDS with N ≥ 1 and 1 ≤ SECONDS ≤ 31622400, e.g. 100/3600` });
        return z.NEVER;
      }
      return { points, seconds };
    });

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const ServeOptionsSchema = z
  .object({
    port: int(0, 65_535).default(8080).describe('TCP port (0 = any free port)'),
    host: z.string().min(1).default('127.0.0.1').describe('Address to listen on; 0.0.0.0 exposes the API to the network'),
    limitAnonymous: rate('--limit-anonymous').default({ points: 100, seconds: 3600 }).describe('N/SECONDS for clients without a key (default 100/3600)'),
    limitAuthenticated: rate('--limit-authenticated').default({ points: 1000, seconds: 3600 }).describe('N/SECONDS for clients with a key (default 1000/3600)'),
    burst: int(0, 100).default(10).describe('Extra requests allowed in a window above the limit, in percent of it'),
    banAfter: int(0, 1_000_000).default(5).describe('Refused requests within --ban-window that earn a ban (0 = never ban)'),
    banWindow: int(1, 86_400 * 30).default(3600).describe('Seconds over which refused requests are counted'),
    banFor: int(1, 86_400 * 30).default(3600).describe('Seconds a ban lasts'),
    apiKeys: z.string().min(1).optional().describe('File with one API key per line (# comments): the authenticated tier'),
    maxConcurrent: int(1, 256).default(10).describe('Worker threads running the engine: images processed at once'),
    queue: int(0, 100_000).default(50).describe('Requests that may wait for a worker; more get 503'),
    queueTimeout: int(1, 3600).default(30).describe('Seconds a request may wait in the queue before 503'),
    timeout: int(1, 3600).default(300).describe('Seconds one image may take; then its worker is stopped and 504'),
    idle: int(1, 86_400).default(60).describe('Seconds an idle worker is kept before it exits and frees its memory'),
    maxMb: z.coerce.number().positive().max(1024).optional().describe('Largest upload in MB (default 64)'),
    maxMegapixels: z.coerce.number().positive().max(1000).optional().describe('Largest image in megapixels (default 48)'),
    maxSide: int(1, 100_000).optional().describe('Largest width or height in pixels (default 12000)'),
    trustProxy: z
      .string()
      .regex(/^[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*$/, 'must be addresses or CIDR ranges, comma-separated, e.g. 10.0.0.0/8,127.0.0.1')
      .optional()
      .describe('Proxies whose X-Forwarded-For names the client (limits count per client IP)'),
    redis: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
      .optional()
      .describe('Share limits and bans across instances through this Redis'),
    models: z.string().min(1).optional().describe("Folder with manifest.json (default: the repo's public/models)"),
    backend: z.enum(['wasm', 'node-cpu']).default('wasm').describe('ONNX Runtime: WASM (onnxruntime-web) or onnxruntime-node'),
    threads: int(1, 64).default(1).describe('ONNX Runtime threads per worker'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info').describe('Log level (JSON lines on stdout)'),
  })
  .describe('unmark serve');

export type ServeOptions = z.infer<typeof ServeOptionsSchema>;

/** Environment names: UNMARK_ + the flag in upper snake case (UNMARK_MAX_CONCURRENT). */
export const envName = (key: string) => `UNMARK_${kebab(key).replace(/-/g, '_').toUpperCase()}`;

const KEYS = Object.keys(ServeOptionsSchema.shape);

export type ParsedServe = { help: true } | { help: false; options: ServeOptions };

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedServe {
  const { inputs, raw, help } = collectFlags('serve', argv, new Set([...KEYS, 'help']), new Set(['help']));
  if (help) return { help: true };
  if (inputs.length > 0) throw new UsageError(`"unmark serve" takes no inputs; got "${inputs[0]}". See: unmark serve --help`);
  const fromEnv: Record<string, string> = {};
  for (const key of KEYS) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  return { help: false, options: validate(ServeOptionsSchema, { ...fromEnv, ...raw }) };
}

/**
 * API keys, one per line; blank lines and `#` comments ignored. Read at
 * start-up: a missing, empty or unreadable file is a usage error, not an open
 * server that silently has no authenticated tier.
 */
export function readApiKeys(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`Invalid --api-keys "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const keys = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  const short = keys.find((k) => k.length < 16 || /\s/.test(k));
  if (short !== undefined) throw new UsageError(`Invalid --api-keys "${file}": every key must be at least 16 characters without spaces.`);
  if (keys.length === 0) throw new UsageError(`Invalid --api-keys "${file}": the file holds no keys.`);
  return new Set(keys);
}

export const SERVE_HELP = `unmark serve [options]

An HTTP API on the same engine and models as the CLI. Every option can also be
set in the environment as UNMARK_<OPTION> (UNMARK_PORT=9000); a flag wins.

  POST /v1/detect   multipart: image, [threshold]        → JSON regions, mask
  POST /v1/remove   multipart: image, [mask] [method] [format] → the image
  GET  /healthz     alive          GET /readyz   models loaded
  GET  /metrics     Prometheus text

Options:
${KEYS.map((k) => {
  const flag = `--${kebab(k)}`;
  const schema = ServeOptionsSchema.shape[k as keyof typeof ServeOptionsSchema.shape];
  return `  ${flag.padEnd(24)}${schema.description ?? ''}`;
}).join('\n')}

Authenticated requests send "Authorization: Bearer KEY" or "X-API-Key: KEY".
Limits count per client IP; defaults: anonymous 100/3600, authenticated
1000/3600, burst 10 %, a ban of 3600 s after 5 refusals within 3600 s.`;
