/**
 * `unmark` entry point: parse, plan, then hand over to the batch runner.
 * Parsing and planning import nothing heavy, so `--help` and usage errors are
 * instant; sharp, the engine and ONNX Runtime load only when a batch runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HELP, parseArgs, UsageError, type ParsedArgs } from './args';
import { EXIT_OK, EXIT_USAGE } from './exit-codes';
import { expandInputs, type InputFile } from './inputs';
import { planDetect, planRemove, type PlannedFile } from './outputs';


export async function main(argv: readonly string[]): Promise<number> {
  // The server has its own options (flags and environment); it shares the engine, not the batch plan.
  if (argv[0] === 'serve') return (await import('../server/serve')).runServe(argv.slice(1));
  let parsed: ParsedArgs;
  let plan: PlannedFile[];
  try {
    parsed = parseArgs(argv);
    if (parsed.command === 'help') {
      process.stdout.write(`${HELP[parsed.topic ?? 'main']}\n`);
      return EXIT_OK;
    }
    if (parsed.command === 'version') {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`${pkg.version}\n`);
      return EXIT_OK;
    }
    if (parsed.command === 'learn') {
      const files = expandInputs(parsed.inputs, {}).map((f) => f.abs);
      if (files.length === 0) throw new UsageError('No images found (.jpg .jpeg .png .webp) in the inputs.');
      const out = path.resolve(parsed.options.out);
      if (files.includes(out)) throw new UsageError(`--out ${parsed.options.out} is one of the inputs; choose another name.`);
      const { runLearn } = await import('./learn');
      return runLearn(files, parsed.options);
    }
    const inputs = findInputs(parsed.inputs, parsed.options.out);
    plan =
      parsed.command === 'detect'
        ? planDetect(inputs, parsed.options.out)
        : planRemove(inputs, {
            out: parsed.options.out,
            format: parsed.options.format,
            name: parsed.options.name,
            maskOut: parsed.options.maskOut,
            mask: parsed.options.mask,
          });
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`unmark: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const { runBatch } = await import('./run');
  return runBatch(parsed, plan);
}

function findInputs(args: readonly string[], out: string): InputFile[] {
  // An --out folder inside an input folder is not walked, so a rerun does not clean its own outputs.
  const inputs = expandInputs(args, { exclude: [path.resolve(out)] });
  if (inputs.length === 0) throw new UsageError('No images found (.jpg .jpeg .png .webp) in the inputs.');
  return inputs;
}
