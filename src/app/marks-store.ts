/**
 * What the UI knows about marks: the marks the engine holds for each document
 * (their summaries; α and W stay in the worker), the last box the user drew
 * (the selection for "Find all like this") and the user's saved marks, listed
 * from IndexedDB. No update here touches a mask, so every capture is 'ui'.
 */
import { create } from 'zustand';
import type { MarkFound, MarkSidecar, MarkSummary } from '../worker/mark-protocol';
import type { Rect } from '../engine/types';
import type { Capture } from './store';

export interface DocMarkInfo extends MarkSummary {
  mode: MarkFound['mode'];
}

export interface SavedMarkMeta {
  id: string;
  name: string;
  created: number;
  sidecar: MarkSidecar;
}

export interface MarksState {
  /** Marks the engine holds for each document, newest last. */
  byDoc: Record<string, DocMarkInfo[]>;
  /** The last box drawn on each document (image pixels). */
  lastBox: Record<string, Rect>;
  saved: SavedMarkMeta[];
}

export const useMarks = create<MarksState>()(() => ({ byDoc: {}, lastBox: {}, saved: [] }));

type Patch = Partial<MarksState> | ((s: MarksState) => Partial<MarksState>);

export function updateMarks(capture: Exclude<Capture, 'history'>, patch: Patch): void {
  void capture; // never recorded: marks are not mask steps
  useMarks.setState(patch);
}

export function getMarks(): MarksState {
  return useMarks.getState();
}

/** Adds a mark to a document; one of each lattice, and a mark id only once. */
export function addDocMark(docId: string, mark: DocMarkInfo): void {
  updateMarks('ui', (s) => {
    const kept = (s.byDoc[docId] ?? []).filter((m) => m.markId !== mark.markId && !(m.source === 'repeats' && mark.source === 'repeats'));
    return { byDoc: { ...s.byDoc, [docId]: [...kept, mark] } };
  });
}

export function clearDocMarks(docId: string): void {
  updateMarks('ui', (s) => {
    const byDoc = { ...s.byDoc };
    delete byDoc[docId];
    return { byDoc };
  });
}

export function setLastBox(docId: string, box: Rect): void {
  updateMarks('ui', (s) => ({ lastBox: { ...s.lastBox, [docId]: box } }));
}
