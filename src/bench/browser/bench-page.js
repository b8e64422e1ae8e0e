// @ts-check
/**
 * Speed benchmark page. It starts the real inference worker
 * (src/worker/engine.worker.ts, bundled by Vite exactly as the app bundles it)
 * and times its own calls: `ms` in DetectResult / RemoveResult is measured
 * inside the worker, around the engine call. Plain JS so that this one DOM file
 * does not need its own tsconfig project; the worker it drives is the typed one.
 */
import { wrap } from 'comlink';

const params = new URLSearchParams(location.search);
const backend = params.get('backend') === 'webgpu' ? 'webgpu' : 'wasm';
const threads = Math.max(1, Number(params.get('threads') ?? 1) || 1);

/** A photo-like gradient with a translucent text mark, encoded as PNG. */
async function photoBlob(width, height) {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const g = ctx.createLinearGradient(0, 0, width, height);
  g.addColorStop(0, '#1e3a5f');
  g.addColorStop(0.5, '#c06090');
  g.addColorStop(1, '#e0d0a0');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = 'rgba(255,255,255,0.6)';
  ctx.font = `bold ${Math.round(height / 8)}px sans-serif`;
  ctx.textAlign = 'center';
  ctx.fillText('SAMPLE', width / 2, height / 2);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** @param {{ reps: number, sizes: number[], remove: boolean }} opts */
async function runBench(opts) {
  const reps = opts.reps;
  const worker = new Worker(new URL('../../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  /** @type {any} */
  const api = wrap(worker);
  const t0 = performance.now();
  const info = await api.init({ modelsUrl: new URL('/models/', location.href).href, backend, threads });
  const initMs = performance.now() - t0;
  const diag = await api.stats();
  const result = {
    requested: { backend, threads },
    info,
    initMs,
    crossOriginIsolated: diag.crossOriginIsolated,
    userAgent: navigator.userAgent,
    /** @type {Record<string, { ms: number[], backend: string, regions: number }>} */
    detect: {},
    /** @type {null | { ms: number[], backend: string, tiles: number }} */
    remove: null,
    /** @type {null | { ms: number[], masked: number }} */
    patch: null,
  };
  let job = 0;
  for (const side of opts.sizes) {
    const doc = await api.decode(await photoBlob(side, Math.round((side * 3) / 4)));
    doc.bitmap.close();
    const ms = [];
    let last = null;
    for (let i = 0; i <= reps; i++) {
      last = await api.detect(++job, doc.docId, { threshold: 0.5 });
      if (i > 0) ms.push(last.ms); // the first run is a warm-up
    }
    result.detect[`detect ${side} px`] = { ms, backend: last.backend, regions: last.regions.length };
    await api.release(doc.docId);
  }
  if (opts.remove && info.removers.length > 0) {
    const side = 512;
    const doc = await api.decode(await photoBlob(side, side));
    doc.bitmap.close();
    const data = new Uint8Array(side * side);
    for (let y = side / 4; y < (side * 3) / 4; y++) data.fill(255, y * side + side / 4, y * side + (side * 3) / 4);
    const ms = [];
    let last = null;
    for (let i = 0; i <= reps; i++) {
      last = await api.remove(++job, doc.docId, { width: side, height: side, data: data.slice() }, { method: 'model' });
      last.bitmap.close();
      if (i > 0) ms.push(last.ms);
    }
    result.remove = { ms, backend: last.backend, tiles: last.tiles };
    await api.release(doc.docId);
  }
  {
    // The patch fill (issue 13's budget: 512² with 10 % masked): 6-px strokes every 60 rows, method 'patch'.
    const side = 512;
    const doc = await api.decode(await photoBlob(side, side));
    doc.bitmap.close();
    const data = new Uint8Array(side * side);
    for (let y = 0; y < side; y++) if (y % 60 < 6) data.fill(255, y * side + 20, y * side + side - 20);
    const masked = data.reduce((s, v) => s + (v ? 1 : 0), 0) / data.length;
    const ms = [];
    for (let i = 0; i <= reps; i++) {
      const last = await api.remove(++job, doc.docId, { width: side, height: side, data: data.slice() }, { method: 'patch' });
      last.bitmap.close();
      if (i > 0) ms.push(last.ms);
    }
    result.patch = { ms, masked };
    await api.release(doc.docId);
  }
  worker.terminate();
  return result;
}

Object.assign(window, { __runBench: runBench, __benchReady: true });
