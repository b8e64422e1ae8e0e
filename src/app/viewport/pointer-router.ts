/**
 * Routes the viewport's pointer events: one pointer drives the current tool's
 * gesture (captured, STYLE habit 9); two pointers pinch-zoom and pan; the
 * middle button or a held Space pans whatever the tool.
 */
import { getDocData } from '../documents';
import { activeDocMeta, pushToast, getUi, update, updateDoc, type ToolId } from '../store';
import { startToolGesture } from '../tools';
import type { ActiveGesture, PointerSample, ToolPreview } from '../tools/types';
import { requestRender } from './render-loop';
import { setView } from './view-actions';
import { clampScale, toImage, type View } from './view-math';
import { t } from '../i18n';

interface Pinch {
  startDist: number;
  startMidX: number;
  startMidY: number;
  startView: View;
  docId: string;
}

export class PointerRouter {
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private gesture: ActiveGesture | null = null;
  private gesturePointer: number | null = null;
  private pinch: Pinch | null = null;
  /** Box tool preview, drawn by the viewport. */
  preview: ToolPreview = null;
  /** Last hover position in CSS px, for the brush cursor. */
  hover: { x: number; y: number } | null = null;

  constructor(private readonly el: HTMLElement) {}

  private local(e: PointerEvent | MouseEvent): { x: number; y: number } {
    const r = this.el.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private sample(e: PointerEvent, view: View): PointerSample {
    const { x, y } = this.local(e);
    const img = toImage(view, x, y);
    return { sx: x, sy: y, ix: img.x, iy: img.y, altKey: e.altKey };
  }

  get busy(): boolean {
    return this.gesture !== null || this.pinch !== null;
  }

  down = (e: PointerEvent): void => {
    if (e.button === 2) return;
    const s = getUi();
    const doc = getDocData(s.activeId);
    const view = s.activeId ? s.views[s.activeId] : undefined;
    if (!doc || !view) return;
    e.preventDefault();
    try {
      this.el.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic events (tests, some extensions) have no active pointer to capture.
    }
    this.pointers.set(e.pointerId, this.local(e));

    if (this.pointers.size === 2) {
      // A second finger turns any stroke into a pinch; the stroke is rolled back.
      this.cancelGesture();
      this.startPinch(doc.id, view);
      return;
    }
    if (this.pointers.size > 2 || this.gesture) return;

    const tool: ToolId = e.button === 1 || s.spacePan ? 'hand' : s.tool;
    if (tool !== 'hand' && doc.inGesture) return;
    const meta = activeDocMeta(s);
    if ((tool === 'brush' || tool === 'eraser' || tool === 'box') && meta && !meta.showOverlay) {
      updateDoc('ui', meta.id, { showOverlay: true });
      pushToast('info', 'OVERLAY', t('view.overlayBack'));
    }
    this.gesturePointer = e.pointerId;
    this.gesture = startToolGesture(
      tool,
      {
        doc,
        radius: s.brushSize / 2,
        view,
        setView: (v) => setView(doc.id, v),
        setPreview: (p) => {
          this.preview = p;
          requestRender();
        },
      },
      this.sample(e, view),
    );
  };

  move = (e: PointerEvent): void => {
    const p = this.local(e);
    this.hover = p;
    if (this.pointers.has(e.pointerId)) this.pointers.set(e.pointerId, p);
    if (this.pinch) {
      this.updatePinch();
      return;
    }
    if (this.gesture && e.pointerId === this.gesturePointer) {
      const s = getUi();
      const view = s.activeId ? s.views[s.activeId] : undefined;
      if (!view) return;
      // Coalesced events keep fast strokes smooth on high-rate pointers.
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      for (const ce of events.length > 0 ? events : [e]) this.gesture.move(this.sample(ce, view));
    }
    requestRender();
  };

  up = (e: PointerEvent): void => {
    this.pointers.delete(e.pointerId);
    if (this.pinch) {
      if (this.pointers.size < 2) this.pinch = null;
      return;
    }
    if (this.gesture && e.pointerId === this.gesturePointer) {
      const s = getUi();
      const view = s.activeId ? s.views[s.activeId] : undefined;
      const g = this.gesture;
      this.gesture = null;
      this.gesturePointer = null;
      if (view) g.up(this.sample(e, view));
      g.finalize('commit');
    }
  };

  cancel = (e: PointerEvent): void => {
    this.pointers.delete(e.pointerId);
    if (this.pinch && this.pointers.size < 2) this.pinch = null;
    if (e.pointerId === this.gesturePointer) this.cancelGesture();
  };

  leave = (): void => {
    this.hover = null;
    requestRender();
  };

  /** Rolls back the current gesture (document switch, second finger, lost capture, Escape). */
  cancelGesture = (): boolean => {
    const g = this.gesture;
    this.gesture = null;
    this.gesturePointer = null;
    g?.finalize('cancel');
    return g !== null;
  };

  private startPinch(docId: string, view: View): void {
    const [a, b] = [...this.pointers.values()];
    this.pinch = {
      docId,
      startDist: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)),
      startMidX: (a.x + b.x) / 2,
      startMidY: (a.y + b.y) / 2,
      startView: view,
    };
  }

  private updatePinch(): void {
    const p = this.pinch;
    if (!p || this.pointers.size < 2) return;
    const [a, b] = [...this.pointers.values()];
    const dist = Math.max(1, Math.hypot(a.x - b.x, a.y - b.y));
    const midX = (a.x + b.x) / 2;
    const midY = (a.y + b.y) / 2;
    const v = p.startView;
    const scale = clampScale(v.scale * (dist / p.startDist));
    const k = scale / v.scale;
    // The image point under the starting midpoint follows the current midpoint.
    setView(p.docId, { scale, x: midX - (p.startMidX - v.x) * k, y: midY - (p.startMidY - v.y) * k });
  }
}
