/** Paints one frame of the viewport: image (or before/after split), mask overlay, tool previews. */
import type { Region } from '../../engine/types';
import type { DocData } from '../documents';
import type { ToolPreview } from '../tools/types';
import type { View } from './view-math';

export interface FrameInput {
  ctx: CanvasRenderingContext2D;
  dpr: number;
  width: number;
  height: number;
  view: View;
  doc: DocData;
  /** Draw the result instead of the original. */
  showResult: boolean;
  /** Screen x (CSS px) left of which the original shows over the result; null = no split. */
  splitX: number | null;
  overlayAlpha: number;
  preview: ToolPreview;
  /** Detected regions to outline (switched-off ones dashed), or none. */
  regions: readonly { region: Region; enabled: boolean }[];
  brushCursor: { x: number; y: number; radius: number } | null;
}

let checker: CanvasPattern | null = null;

function checkerPattern(ctx: CanvasRenderingContext2D): CanvasPattern | null {
  if (checker) return checker;
  const tile = document.createElement('canvas');
  tile.width = tile.height = 16;
  const t = tile.getContext('2d');
  if (!t) return null;
  t.fillStyle = '#2a2d33';
  t.fillRect(0, 0, 16, 16);
  t.fillStyle = '#35383f';
  t.fillRect(0, 0, 8, 8);
  t.fillRect(8, 8, 8, 8);
  checker = ctx.createPattern(tile, 'repeat');
  return checker;
}

export function paintFrame(f: FrameInput): void {
  const { ctx, dpr, view, doc } = f;
  const { width: iw, height: ih } = doc;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);

  // Checkerboard behind the image, in screen space, for transparent PNG/WebP.
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const pattern = checkerPattern(ctx);
  if (pattern) {
    ctx.fillStyle = pattern;
    ctx.fillRect(view.x, view.y, iw * view.scale, ih * view.scale);
  }

  const toImage = () => ctx.setTransform(dpr * view.scale, 0, 0, dpr * view.scale, dpr * view.x, dpr * view.y);
  toImage();
  // Smooth when shrinking; crisp pixels when inspecting up close.
  ctx.imageSmoothingEnabled = view.scale < 2;
  ctx.imageSmoothingQuality = 'high';
  // Until the full-resolution bitmap is back from the worker (keepOnScreen), the thumbnail stands in.
  const base = f.showResult && doc.result ? doc.result : doc.original;
  if (base) ctx.drawImage(base, 0, 0);
  else ctx.drawImage(doc.thumb, 0, 0, iw, ih);

  if (f.showResult && doc.result && f.splitX !== null) {
    ctx.save();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.beginPath();
    ctx.rect(0, 0, Math.max(0, f.splitX), f.height);
    ctx.clip();
    toImage();
    if (doc.original) ctx.drawImage(doc.original, 0, 0);
    else ctx.drawImage(doc.thumb, 0, 0, iw, ih);
    ctx.restore();
  }

  const overlay = doc.overlay.canvas;
  if (f.overlayAlpha > 0 && overlay) {
    ctx.globalAlpha = f.overlayAlpha;
    ctx.drawImage(overlay, 0, 0);
    ctx.globalAlpha = 1;
  }

  if (f.regions.length > 0) drawRegions(ctx, f.regions, view.scale);

  if (f.preview?.kind === 'box') {
    const r = f.preview.rect;
    ctx.fillStyle = f.preview.subtract ? 'rgba(80, 160, 255, 0.18)' : 'rgba(255, 45, 111, 0.18)';
    ctx.fillRect(r.x, r.y, r.width, r.height);
    ctx.lineWidth = 1.5 / view.scale;
    ctx.setLineDash([6 / view.scale, 4 / view.scale]);
    ctx.strokeStyle = f.preview.subtract ? '#5aa2ff' : '#ffffff';
    ctx.strokeRect(r.x, r.y, r.width, r.height);
    ctx.setLineDash([]);
  }

  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.strokeStyle = 'rgba(255,255,255,0.08)';
  ctx.lineWidth = 1;
  ctx.strokeRect(view.x - 0.5, view.y - 0.5, iw * view.scale + 1, ih * view.scale + 1);

  if (f.brushCursor) {
    const { x, y, radius } = f.brushCursor;
    const r = Math.max(1.5, radius);
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(0,0,0,0.6)';
    ctx.stroke();
    ctx.lineWidth = 1.25;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
  }
}

const kindColor: Record<Region['kind'], string> = { text: '#7aa2ff', logo: '#d39bff', pattern: '#ffc857' };

/** Thin outlines around detected regions, drawn in image space. */
function drawRegions(ctx: CanvasRenderingContext2D, regions: FrameInput['regions'], scale: number): void {
  ctx.lineWidth = 1.5 / scale;
  for (const { region, enabled } of regions) {
    const { x, y, width, height } = region.box;
    ctx.strokeStyle = kindColor[region.kind];
    ctx.globalAlpha = enabled ? 0.9 : 0.45;
    ctx.setLineDash(enabled ? [] : [5 / scale, 4 / scale]);
    ctx.strokeRect(x - 0.5 / scale, y - 0.5 / scale, width + 1 / scale, height + 1 / scale);
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
}
