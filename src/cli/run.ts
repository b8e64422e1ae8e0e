/** Runs a planned batch: one file at a time, every failure recorded, never fatal to the batch. */
import path from 'node:path';
import { toSerializedError } from '../engine/errors';
import { markSidecar } from '../engine/mark';
import { resolveLimits, type Limits } from '../engine/limits';
import { isLossy } from '../platform/node/codec';
import type { ModelRole } from '../platform/node/model-source';
import type { ParsedArgs } from './args';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from './exit-codes';
import type { PlannedFile } from './outputs';
import { autoMethod, modelsLoader, type FillChoice } from './pipeline';
import { detectFile, removeFile, type FileContext, type FileRecord } from './process-file';
import { learnFromFiles, repeatsSource, savedMarkSource, sharedMarkSource, type MarkSource } from './marks';
import { createReporter } from './report';

type BatchArgs = Extract<ParsedArgs, { command: 'detect' | 'remove' }>;

/** Where removal gets known marks: a saved mark, one learned from the batch, or repeats inside each image. */
async function markSourceFor(args: BatchArgs, plan: readonly PlannedFile[], limits: Limits, reporter: ReturnType<typeof createReporter>): Promise<MarkSource | undefined> {
  if (args.command === 'detect') return args.options.noRepeats ? undefined : repeatsSource;
  const o = args.options;
  if (o.mark) return savedMarkSource(o.mark);
  if (o.sharedMark) {
    const learned = await learnFromFiles(plan.map((p) => p.input.abs), limits);
    const t = learned.mark.template;
    reporter.note(
      `shared mark: ${t.width}×${t.height} px, colour ${t.colour.map((c) => Math.round(c * 255)).join(',')}, opacity ${markSidecar(t).opacity}, learned from ${learned.sample.length} of ${plan.length} inputs`,
    );
    return sharedMarkSource(learned);
  }
  return o.noRepeats ? undefined : repeatsSource;
}

export async function runBatch(args: BatchArgs, plan: readonly PlannedFile[]): Promise<number> {
  const opts = args.options;
  const reporter = createReporter({ json: opts.json });
  const roles = new Set<ModelRole>();
  if (args.command === 'detect' || plan.some((p) => !p.maskInput)) roles.add('detector');

  let method: FillChoice = 'auto';
  if (args.command === 'remove') {
    method = args.options.method === 'auto' ? await autoMethod(opts.models) : args.options.method;
    if (args.options.method === 'auto' && method === 'auto') {
      reporter.note('note: no recommended learned remover in the model manifest; each region gets Telea or the patch fill (see "method" in --json regions). Pass --method model to try the learned one.');
    }
    if (method === 'model') roles.add('remover');
    const lossy = plan.find((p) => isLossy({ format: p.format, quality: args.options.quality }));
    if (lossy) {
      reporter.note(
        `warning: ${lossy.format.toUpperCase()} output is lossy: pixels outside the mask will not be bit-identical to the input. Use --format png to keep them.`,
      );
    }
  }

  const ctx: FileContext = {
    limits: resolveLimits({
      ...(opts.maxMb !== undefined ? { maxBytes: Math.round(opts.maxMb * 1024 * 1024) } : {}),
      ...(opts.maxMegapixels !== undefined ? { maxPixels: Math.round(opts.maxMegapixels * 1e6) } : {}),
      ...(opts.maxSide !== undefined ? { maxWidth: opts.maxSide, maxHeight: opts.maxSide } : {}),
    }),
    threshold: opts.threshold,
    dilatePx: opts.dilate,
    models: modelsLoader({ backend: opts.backend, threads: opts.threads, roles: [...roles], modelsDir: opts.models }),
    display: (p) => {
      const rel = path.relative(process.cwd(), p);
      return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
    },
  };

  let markSource: MarkSource | undefined;
  try {
    markSource = await markSourceFor(args, plan, ctx.limits, reporter);
  } catch (e) {
    const err = toSerializedError(e);
    reporter.note(`error: ${err.code}: ${err.message}`);
    if (opts.json) process.stdout.write(`${JSON.stringify({ status: 'failed', error: { code: err.code, message: err.message } })}\n`);
    return EXIT_FAILED;
  }

  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    reporter.note('Stopping after the current step… (Ctrl-C again to quit now)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);

  const t0 = performance.now();
  const records: FileRecord[] = [];
  reporter.start(plan.length);
  try {
    for (let i = 0; i < plan.length; i++) {
      if (abort.signal.aborted) break;
      const shown = ctx.display(plan[i].input.abs);
      reporter.fileStarted(i, shown);
      const onTiles = (done: number, total: number) => reporter.fileProgress(i, shown, `remove ${done}/${total} tiles`);
      const record =
        args.command === 'detect'
          ? await detectFile(plan[i], { ...ctx, markSource }, abort.signal)
          : await removeFile(plan[i], { ...ctx, method, oneColour: args.options.method === 'auto', quality: args.options.quality, onTiles, markSource }, abort.signal, i);
      records.push(record);
      reporter.fileDone(i, record);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  const unusable = new Map<string, string>();
  for (const r of records) for (const w of r.warnings ?? []) unusable.set(w.modelId ?? w.code, `${w.code}: ${w.message}`);
  for (const why of unusable.values()) {
    reporter.note(`warning: a model was not used, results may differ from a full run. ${why}`);
  }
  reporter.finish(records, performance.now() - t0);
  if (abort.signal.aborted) return EXIT_INTERRUPTED;
  if (records.some((r) => r.status === 'failed')) return EXIT_FAILED;
  // A corrupt model must not pass silently (issue 11, item 2): opt out explicitly.
  return unusable.size > 0 && !opts.allowMissingModels ? EXIT_FAILED : EXIT_OK;
}
