// Runs an ONNX model with onnxruntime-web (WASM, `threads`, default 1) in Node, the runtime the app uses.
// Used by export.py (parity check) and eval.py (to score the exported file, not the torch model).
//
//   node training/ort_run.mjs JOB.json
// JOB.json: {"model": "path.onnx", "cases": [{"inputs": {"image": {"file": "x.bin", "dims": [1,3,H,W]}},
//            "outputs": {"alpha": "out.bin"}}], "threads": 1}
// Tensors are raw little-endian float32 files. Prints one JSON line per case ({ms}).
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
ort.env.wasm.numThreads = job.threads ?? 1;
const session = await ort.InferenceSession.create(readFileSync(job.model), { executionProviders: ['wasm'] });
for (const c of job.cases) {
  const feeds = {};
  for (const [name, spec] of Object.entries(c.inputs)) {
    const buf = readFileSync(spec.file);
    const arr = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    feeds[name] = new ort.Tensor('float32', Float32Array.from(arr), spec.dims);
  }
  const t0 = performance.now();
  const out = await session.run(feeds);
  const ms = performance.now() - t0;
  for (const [name, file] of Object.entries(c.outputs)) {
    const d = out[name].data;
    writeFileSync(file, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  console.log(JSON.stringify({ ms, dims: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.dims])) }));
}
