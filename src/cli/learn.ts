/** `unmark learn`: estimate the mark the inputs share and write it as mark.png + mark.json. */
import path from 'node:path';
import { toSerializedError } from '../engine/errors';
import { resolveLimits } from '../engine/limits';
import { encodeMarkPng, markSidecar } from '../engine/mark';
import type { LearnCliOptions } from './args';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from './exit-codes';
import { learnFromFiles } from './marks';
import { writeAtomic } from './process-file';

export async function runLearn(files: readonly string[], opts: LearnCliOptions): Promise<number> {
  const limits = resolveLimits({
    ...(opts.maxMb !== undefined ? { maxBytes: Math.round(opts.maxMb * 1024 * 1024) } : {}),
    ...(opts.maxMegapixels !== undefined ? { maxPixels: Math.round(opts.maxMegapixels * 1e6) } : {}),
    ...(opts.maxSide !== undefined ? { maxWidth: opts.maxSide, maxHeight: opts.maxSide } : {}),
  });
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.on('SIGINT', onSigint);
  const out = path.resolve(opts.out);
  const sidecarPath = out.replace(/\.png$/i, '.json');
  const t0 = performance.now();
  try {
    const learned = await learnFromFiles(files, limits, abort.signal);
    const { template, diagnostics } = learned.mark;
    const sidecar = markSidecar(template, { method: 'shared', images: learned.sample.length });
    await writeAtomic(out, encodeMarkPng(template));
    await writeAtomic(sidecarPath, new TextEncoder().encode(`${JSON.stringify(sidecar, null, 2)}\n`));
    const record = {
      status: 'ok',
      output: opts.out,
      sidecar: path.relative(process.cwd(), sidecarPath) || sidecarPath,
      width: template.width,
      height: template.height,
      colour: sidecar.colour,
      opacity: sidecar.opacity,
      images: learned.sample.length,
      inputs: files.length,
      explained: Math.round(diagnostics.explained * 1000) / 1000,
      ms: Math.round(performance.now() - t0),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(record)}\n`);
    else {
      process.stderr.write(
        `learned a ${template.width}×${template.height} px mark (colour ${sidecar.colour.map((c) => Math.round(c * 255)).join(',')}, opacity ${sidecar.opacity}) from ${learned.sample.length} of ${files.length} images → ${opts.out}\n`,
      );
    }
    return EXIT_OK;
  } catch (e) {
    const err = toSerializedError(e);
    if (opts.json) process.stdout.write(`${JSON.stringify({ status: 'failed', output: null, error: { code: err.code, message: err.message } })}\n`);
    process.stderr.write(`unmark learn: ${err.code}: ${err.message}\n`);
    return err.code === 'E_CANCELLED' ? EXIT_INTERRUPTED : EXIT_FAILED;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
