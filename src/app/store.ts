/**
 * UI state (zustand). Pixels and masks are not here: they live in the worker
 * (masks and their undo history, engine().masks) and, for drawing, per document
 * in documents.ts, outside React. The store only holds what the UI draws from,
 * including per document the masked count, the undo/redo labels and a
 * `maskVersion` that bumps whenever its mask changes, all as the worker said.
 *
 * Every update names how it relates to undo (STYLE habit 8):
 * - 'history': the mask changed and the change is (or was) recorded in the
 *   worker's history of that document. Only mask-actions.ts issues these.
 * - 'view':    zoom, pan, compare split. Never recorded, never clears redo.
 * - 'ui':      everything else (panels, settings, progress, toasts). Never recorded.
 */
import { create } from 'zustand';
import type { Backend, LoadProgress, RemovalMethod, RuntimeInfo } from '../worker/protocol';
import type { ImageFormat, Region } from '../engine/types';
import type { RegionMethodRecord } from '../worker/mark-protocol';
import type { View } from './viewport/view-math';
import type { DocJob } from './batch/queue';

export type OfflineState = 'pending' | 'ready' | 'unavailable' | 'none';

export type Capture = 'history' | 'view' | 'ui';
export type ToolId = 'brush' | 'eraser' | 'box' | 'hand';
export type AppStatus = 'idle' | 'loading' | 'detecting' | 'removing' | 'done' | 'error';
export type ExportFormat = 'png' | 'original';
/** The saved session (session/): 'off' when the browser gives no storage, 'full' after a quota error. */
export type SessionSave = 'off' | 'pending' | 'saved' | 'full' | 'error';

export interface DocDetection {
  detectionId: string;
  regions: Region[];
  ms: number;
  backend: Backend;
}

export interface DocResult {
  resultId: string;
  method: RemovalMethod;
  tiles: number;
  ms: number;
  backend: Backend | 'cpu';
  /** maskVersion when the result was made, to tell the user it is out of date. */
  maskVersion: number;
  /** How each region was made, when the document had a known mark or the fill was routed. */
  regions?: RegionMethodRecord[];
  /** Known marks were inverted first. */
  marksUsed?: boolean;
}

export interface DocMeta {
  id: string;
  /** Stable across reloads (the worker's id is not): the saved session's key for this image. */
  key: string;
  name: string;
  width: number;
  height: number;
  format: ImageFormat;
  hasAlpha: boolean;
  maskVersion: number;
  maskCount: number;
  undoLabel: string | null;
  redoLabel: string | null;
  detection: DocDetection | null;
  threshold: number;
  disabledRegionIds: number[];
  result: DocResult | null;
  /** The mask overlay, per image: hidden over a fresh result, shown again for editing; never carried to another image. */
  showOverlay: boolean;
  /** Where the image is in the batch queue (batch/queue.ts). */
  job: DocJob;
  /** This image's last status line: the status bar shows the active image's own, never another's. */
  statusLine: StatusLine | null;
}

export interface StatusLine {
  status: AppStatus;
  text: string;
  /** Order against the app-wide line (statusSeq), to tell which is newer. */
  seq: number;
}

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  code: string;
  message: string;
}

export interface ModelProgress {
  file: string;
  loaded: number;
  total: number;
  phase: LoadProgress['phase'];
}

export interface UiState {
  docs: DocMeta[];
  activeId: string | null;
  views: Record<string, View>;
  tool: ToolId;
  /** Brush diameter in image pixels. */
  brushSize: number;
  overlayOpacity: number;
  overlayColor: string;
  maskOpPx: number;
  detectDilatePx: number;
  method: RemovalMethod;
  exportFormat: ExportFormat;
  status: AppStatus;
  statusText: string;
  statusSeq: number;
  /** The image the running task (detecting / removing) works on. */
  busyDocId: string | null;
  /** "Detect all" / "Remove all" while it runs. */
  batchKind: 'detect' | 'remove' | null;
  /** The running batch was resumed after a reload (the status bar says so), with how many images it took. */
  resumedBatch: { kind: 'detect' | 'remove'; total: number } | null;
  /** "Download all" is packing the ZIP. */
  zipping: boolean;
  sessionSave: SessionSave;
  removeProgress: { done: number; total: number } | null;
  runtime: RuntimeInfo | null;
  modelProgress: ModelProgress | null;
  modelsReady: boolean;
  /** Whether the service worker has everything cached (offline.ts). */
  offline: OfflineState;
  toasts: Toast[];
  showHelp: boolean;
  /** 0..1: left of the divider shows the original, right shows the result. */
  compareSplit: number;
  compareEnabled: boolean;
  holdOriginal: boolean;
  /** True while Space is held: any drag pans. */
  spacePan: boolean;
}

const initial: UiState = {
  docs: [],
  activeId: null,
  views: {},
  tool: 'brush',
  brushSize: 40,
  overlayOpacity: 0.55,
  overlayColor: '#ff2d6f',
  maskOpPx: 4,
  detectDilatePx: 4,
  method: 'auto',
  exportFormat: 'png',
  status: 'idle',
  // Empty: the status bar says "Ready" in the UI's language (the store is made before the language is known).
  statusText: '',
  statusSeq: 0,
  busyDocId: null,
  batchKind: null,
  resumedBatch: null,
  zipping: false,
  sessionSave: 'off',
  removeProgress: null,
  runtime: null,
  modelProgress: null,
  modelsReady: false,
  offline: import.meta.env.PROD && 'serviceWorker' in navigator ? 'pending' : 'none',
  toasts: [],
  showHelp: false,
  compareSplit: 0.5,
  compareEnabled: true,
  holdOriginal: false,
  spacePan: false,
};

export const useUi = create<UiState>()(() => initial);

type Patch = Partial<UiState> | ((s: UiState) => Partial<UiState>);

/** The only way to change the store. `capture` documents the undo semantics (see top of file). */
export function update(capture: Capture, patch: Patch): void {
  void capture; // documented intent; the worker records the history itself before a 'history' update
  useUi.setState(patch);
}

export function updateDoc(capture: Capture, id: string, patch: Partial<DocMeta>): void {
  update(capture, (s) => ({ docs: s.docs.map((d) => (d.id === id ? { ...d, ...patch } : d)) }));
}

export function getUi(): UiState {
  return useUi.getState();
}

export function activeDocMeta(s: UiState = getUi()): DocMeta | null {
  return s.docs.find((d) => d.id === s.activeId) ?? null;
}

let toastSeq = 0;
export function pushToast(kind: Toast['kind'], code: string, message: string): void {
  const toast: Toast = { id: ++toastSeq, kind, code, message };
  update('ui', (s) => ({ toasts: [...s.toasts.slice(-3), toast] }));
  if (kind === 'info') setTimeout(() => dismissToast(toast.id), 4000);
}

export function dismissToast(id: number): void {
  update('ui', (s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

let statusSeq = 0;

/** The app-wide line (models, opening files) and the busy state the panels read. */
export function setStatus(status: AppStatus, statusText: string): void {
  update('ui', { status, statusText, statusSeq: ++statusSeq });
}

/** One image's line. The busy state stays app-wide: there is one worker. */
export function setDocStatus(docId: string, status: AppStatus, text: string): void {
  updateDoc('ui', docId, { statusLine: { status, text, seq: ++statusSeq } });
}

/**
 * What the status bar shows: the active image's own line, unless something
 * app-wide (loading, an error opening a file) happened since. With no line of
 * its own, an image never shows the status of work running on another.
 * An empty `text` reads "Ready" (StatusBar says it in the UI's language).
 */
export function visibleStatus(s: UiState): { status: AppStatus; text: string } {
  const line = activeDocMeta(s)?.statusLine ?? null;
  const appWins = s.status === 'loading' || s.status === 'error';
  if (line && !(appWins && s.statusSeq > line.seq)) return { status: line.status, text: line.text };
  if (s.activeId && (s.status === 'detecting' || s.status === 'removing') && s.busyDocId !== s.activeId) return { status: 'idle', text: '' };
  return { status: s.status, text: s.statusText };
}

