/** The image canvas: sized to its container at devicePixelRatio, receives the pointer tools. */
import { useEffect, useRef } from 'react';
import { ensureOverlay } from '../actions/mask-actions';
import { getDocData, keepOnScreen } from '../documents';
import { engine } from '../engine';
import { activeDocMeta, getUi, useUi } from '../store';
import { toolCursor } from '../tools';
import { BusyBar } from './BusyBar';
import { CompareDivider } from './CompareDivider';
import { PointerRouter } from './pointer-router';
import { paintFrame } from './render';
import { requestRender, setGestureCanceller, setPainter } from './render-loop';
import { fitActive, getViewportBox, refitIfAuto, setViewportBox, zoomActive } from './view-actions';
import { t, useT } from '../i18n';

/** Wheel notches (deltaMode lines/pages) in pixels, so mice and trackpads zoom at similar rates. */
function wheelPixels(e: WheelEvent): number {
  if (e.deltaMode === 1) return e.deltaY * 16;
  if (e.deltaMode === 2) return e.deltaY * 400;
  return e.deltaY;
}

/** Where the on-screen image's bitmaps come from: the worker, or the saved PNG of a result. */
function displayFetch(docId: string | null, resultId: string | null): Parameters<typeof keepOnScreen>[1] {
  const doc = getDocData(docId);
  const png = doc?.resultPng ?? null;
  return {
    original: () => engine().displayBitmap({ docId: docId ?? '' }),
    result:
      resultId === null
        ? null
        : png
          ? () => createImageBitmap(png, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' })
          : () => engine().displayBitmap({ resultId }),
  };
}

export function Viewport() {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const routerRef = useRef<PointerRouter | null>(null);
  const meta = useUi((s) => activeDocMeta(s));
  const hasView = useUi((s) => (s.activeId ? s.views[s.activeId] !== undefined : false));
  const tool = useUi((s) => s.tool);
  const spacePan = useUi((s) => s.spacePan);
  const activeId = meta?.id ?? null;
  const resultId = meta?.result?.resultId ?? null;
  const docCount = useUi((s) => s.docs.length);

  useEffect(() => {
    const canvas = canvasRef.current;
    const wrap = wrapRef.current;
    if (!canvas || !wrap) return;
    const router = new PointerRouter(canvas);
    routerRef.current = router;

    const paint = () => {
      const s = getUi();
      const doc = getDocData(s.activeId);
      const view = s.activeId ? s.views[s.activeId] : undefined;
      const { width, height } = getViewportBox();
      const dpr = window.devicePixelRatio || 1;
      const pw = Math.max(1, Math.round(width * dpr));
      const ph = Math.max(1, Math.round(height * dpr));
      if (canvas.width !== pw || canvas.height !== ph) {
        canvas.width = pw;
        canvas.height = ph;
      }
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      if (!doc || !view) {
        ctx.clearRect(0, 0, pw, ph);
        return;
      }
      ensureOverlay(doc, s.overlayColor);
      const meta = s.docs.find((d) => d.id === s.activeId);
      const showResult = !!meta?.result && !!doc.result && !s.holdOriginal;
      const painting = (s.tool === 'brush' || s.tool === 'eraser') && !s.spacePan;
      paintFrame({
        ctx,
        dpr,
        width,
        height,
        view,
        doc,
        showResult,
        splitX: showResult && s.compareEnabled ? s.compareSplit * width : null,
        overlayAlpha: meta?.showOverlay && !s.holdOriginal ? s.overlayOpacity : 0,
        preview: router.preview,
        regions:
          meta?.showOverlay && !s.holdOriginal && meta.detection && !showResult
            ? meta.detection.regions.map((region) => ({ region, enabled: !meta.disabledRegionIds.includes(region.id) }))
            : [],
        brushCursor:
          painting && router.hover ? { ...router.hover, radius: (s.brushSize / 2) * view.scale } : null,
      });
    };
    setPainter(paint);
    setGestureCanceller(router.cancelGesture);
    const unsubscribe = useUi.subscribe(requestRender);

    const resize = new ResizeObserver(() => {
      const r = wrap.getBoundingClientRect();
      setViewportBox(r.width, r.height);
      refitIfAuto();
      requestRender();
    });
    resize.observe(wrap);

    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      // ctrlKey wheels are trackpad pinches: their deltas are small, so they get a stronger rate.
      const rate = e.ctrlKey ? 0.01 : 0.0015;
      zoomActive(Math.exp(-wheelPixels(e) * rate), e.clientX - r.left, e.clientY - r.top);
    };
    const onLost = (e: PointerEvent) => router.cancel(e);
    // One table for adding and removing, so the two can never drift apart.
    const listeners: [string, (e: never) => void, AddEventListenerOptions?][] = [
      ['pointerdown', router.down],
      ['pointermove', router.move],
      ['pointerup', router.up],
      ['pointercancel', router.cancel],
      ['lostpointercapture', onLost],
      ['pointerleave', router.leave],
      ['wheel', onWheel, { passive: false }],
    ];
    for (const [type, fn, opts] of listeners) canvas.addEventListener(type, fn as EventListener, opts);
    return () => {
      router.cancelGesture();
      setPainter(null);
      setGestureCanceller(null);
      unsubscribe();
      resize.disconnect();
      for (const [type, fn] of listeners) canvas.removeEventListener(type, fn as EventListener);
    };
  }, []);

  // A stroke never continues onto another document; a new document fits the window.
  useEffect(() => {
    routerRef.current?.cancelGesture();
    if (activeId && !hasView) fitActive();
    requestRender();
  }, [activeId, hasView]);

  // Full-resolution bitmaps only for the image on screen (documents.ts); the others are let go.
  useEffect(() => {
    void keepOnScreen(activeId, displayFetch(activeId, resultId))
      .then((fresh) => fresh && requestRender())
      .catch(() => undefined); // the thumbnail stays; the next switch tries again
  }, [activeId, resultId, docCount]);

  const cursor = spacePan ? 'grab' : toolCursor[tool];
  useT();
  return (
    <div className="viewport-wrap" ref={wrapRef}>
      <canvas
        ref={canvasRef}
        className="viewport"
        data-testid="viewport"
        data-mask-version={meta?.maskVersion ?? 0}
        data-has-result={meta?.result ? 'true' : 'false'}
        style={{ cursor }}
        aria-label={t('view.viewport')}
        onContextMenu={(e) => e.preventDefault()}
      />
      <CompareDivider />
      <BusyBar />
    </div>
  );
}
