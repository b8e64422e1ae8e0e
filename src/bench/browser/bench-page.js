// @ts-check
/**
 * Speed benchmark page. It starts the real inference worker
 * (src/worker/engine.worker.ts, bundled by Vite exactly as the app bundles it)
 * and times its own calls: `ms` in DetectResult / RemoveResult is measured
 * inside the worker, around the engine call. Plain JS so that this one DOM file
 * does not need its own tsconfig project; the worker it drives is the typed one.
 */
import { wrap } from 'comlink';
import { seededRandom } from '../../engine/random';

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

/**
 * A picture with content (a gradient and 40 random shapes, seeded) and a
 * semi-transparent white mark: tiled on a whole-pixel lattice, or once at (x, y).
 * @param {number} width @param {number} height @param {number} seed
 * @param {'tiled' | { x: number, y: number }} mark
 */
async function markedBlob(width, height, seed, mark) {
  const rand = seededRandom(seed);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d'));
  const hue = () => `hsl(${Math.floor(rand() * 360)} ${30 + Math.floor(rand() * 50)}% ${20 + Math.floor(rand() * 50)}%)`;
  const g = ctx.createLinearGradient(0, 0, width, height);
  g.addColorStop(0, hue());
  g.addColorStop(1, hue());
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, width, height);
  for (let i = 0; i < 40; i++) {
    ctx.fillStyle = hue();
    ctx.beginPath();
    ctx.ellipse(rand() * width, rand() * height, 10 + rand() * width * 0.15, 10 + rand() * height * 0.15, rand() * Math.PI, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.fillStyle = 'rgba(255,255,255,0.4)';
  ctx.textBaseline = 'top';
  if (mark === 'tiled') {
    ctx.font = 'bold 56px sans-serif';
    for (let y = 20; y < height; y += 250) for (let x = 20; x < width; x += 400) ctx.fillText('© PREVIEW', x, y);
  } else {
    ctx.font = 'bold 64px sans-serif';
    ctx.fillText('© NORTHLIGHT', mark.x, mark.y);
  }
  return canvas.convertToBlob({ type: 'image/png' });
}

/**
 * The mark-estimation steps in the worker (plain JS): the lattice search and
 * estimate on a 12 MP tiled picture, and learning one mark from 16 pictures of
 * 1 MP. Each run decodes fresh documents (the worker caches a document's
 * repeats), and only the engine call is timed, from this page.
 * @param {any} api @param {number} reps @param {() => number} nextJob
 */
async function markBench(api, reps, nextJob) {
  const lattice = { ms: /** @type {number[]} */ ([]), accepted: false, reason: '' };
  // The app's Remove right after: the lattice's mask accepted, then remove (the mark is inverted, nothing else is masked).
  const invert = { ms: /** @type {number[]} */ ([]), method: '' };
  const tiled = await markedBlob(4000, 3000, 7, 'tiled');
  for (let i = 0; i < reps; i++) {
    const doc = await api.decode(tiled);
    doc.bitmap.close();
    api.maskOpen(doc.docId, 4000, 3000);
    const t = performance.now();
    const r = await api.findRepeats(nextJob(), doc.docId, doc.docId);
    lattice.ms.push(performance.now() - t);
    lattice.accepted = r.accepted;
    lattice.reason = r.reason;
    if (r.found) {
      await api.maskAccept(doc.docId, r.found.proposal.token, 'bench', { ifUnchanged: true, bytes: false });
      const t2 = performance.now();
      const out = await api.remove(nextJob(), doc.docId, doc.docId, { method: 'auto' });
      invert.ms.push(performance.now() - t2);
      invert.method = [...new Set((out.regions ?? []).map((g) => g.method))].join('+');
      out.bitmap.close();
    }
    await api.maskRelease(doc.docId);
    await api.release(doc.docId);
  }
  const K = 16;
  const learn = { ms: /** @type {number[]} */ ([]), placed: 0, images: K, error: /** @type {string | undefined} */ (undefined) };
  const rand = seededRandom(99);
  const blobs = [];
  for (let k = 0; k < K; k++) blobs.push(await markedBlob(1152, 864, 100 + k, { x: 380 + Math.round((rand() - 0.5) * 20), y: 700 + Math.round((rand() - 0.5) * 20) }));
  for (let i = 0; i < Math.min(reps, 2); i++) {
    const docs = [];
    for (const b of blobs) {
      const d = await api.decode(b);
      d.bitmap.close();
      api.maskOpen(d.docId, 1152, 864);
      docs.push(d.docId);
    }
    const t = performance.now();
    try {
      const r = await api.learnSharedMark(nextJob(), docs, docs);
      learn.ms.push(performance.now() - t);
      learn.placed = r.docs.filter((d) => d.added > 0).length;
    } catch (e) {
      learn.error = /** @type {any} */ (e)?.code ?? String(e);
    }
    for (const d of docs) {
      await api.maskRelease(d);
      await api.release(d);
    }
  }
  return { lattice, invert, learn };
}

/** @param {{ reps: number, sizes: number[], remove: boolean, js?: boolean }} opts */
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
    /** @type {null | Awaited<ReturnType<typeof markBench>>} */
    marks: null,
  };
  let job = 0;
  for (const side of opts.sizes) {
    const blob = await photoBlob(side, Math.round((side * 3) / 4));
    const doc = await api.decode(blob);
    doc.bitmap.close();
    const ms = [];
    let last = null;
    for (let i = 0; i <= reps; i++) {
      // The detectors alone: the worker keeps each document's lattice search, so repeats: false keeps it out.
      last = await api.detect(++job, doc.docId, { threshold: 0.5, repeats: false });
      if (i > 0) ms.push(last.ms); // the first run is a warm-up
    }
    result.detect[`detect ${side} px`] = { ms, backend: last.backend, regions: last.regions.length };
    await api.release(doc.docId);
    // As the app's Detect on a new image: the detectors, then the lattice search (a fresh document each time).
    const full = [];
    for (let i = 0; i < reps; i++) {
      const fresh = await api.decode(blob);
      fresh.bitmap.close();
      last = await api.detect(++job, fresh.docId, { threshold: 0.5 });
      full.push(last.ms);
      await api.release(fresh.docId);
    }
    result.detect[`detect + lattice ${side} px`] = { ms: full, backend: last.backend, regions: last.regions.length };
  }
  if (opts.remove && info.removers.length > 0) {
    const side = 512;
    const doc = await api.decode(await photoBlob(side, side));
    doc.bitmap.close();
    api.maskOpen(doc.docId, side, side);
    await api.maskBox(doc.docId, { x: side / 4, y: side / 4, width: side / 2, height: side / 2 }, 255, 'bench', false);
    const ms = [];
    let last = null;
    for (let i = 0; i <= reps; i++) {
      last = await api.remove(++job, doc.docId, doc.docId, { method: 'model' });
      last.bitmap.close();
      if (i > 0) ms.push(last.ms);
    }
    result.remove = { ms, backend: last.backend, tiles: last.tiles };
    await api.release(doc.docId);
  }
  if (opts.js) {
    // The patch fill (issue 13's budget: 512² with 10 % masked): 6-px strokes every 60 rows, method 'patch'.
    const side = 512;
    const doc = await api.decode(await photoBlob(side, side));
    doc.bitmap.close();
    api.maskOpen(doc.docId, side, side);
    let count = 0;
    for (let y = 0; y < side; y += 60) {
      const band = { x: 20, y, width: side - 40, height: Math.min(6, side - y) };
      await api.maskBox(doc.docId, band, 255, 'bench', false);
      count += band.width * band.height;
    }
    const masked = count / (side * side);
    const ms = [];
    for (let i = 0; i <= reps; i++) {
      const last = await api.remove(++job, doc.docId, doc.docId, { method: 'patch' });
      last.bitmap.close();
      if (i > 0) ms.push(last.ms);
    }
    result.patch = { ms, masked };
    await api.release(doc.docId);
    result.marks = await markBench(api, reps, () => ++job);
  }
  worker.terminate();
  return result;
}

Object.assign(window, { __runBench: runBench, __benchReady: true });
