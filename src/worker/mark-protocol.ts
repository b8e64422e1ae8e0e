/**
 * Mark shapes that cross the worker boundary (plain data, structured clone),
 * derived from the engine's types so they are written once.
 */
import type { RegionRecord } from '../engine/mark/remove';
import type { MarkSidecar } from '../engine/mark/template';
import type { Rect } from '../engine/types';
import type { MaskProposal } from './mask-protocol';

/** Where a mark came from: a lattice in one image, a batch, the user's saved file, or a selection's one-colour fit. */
export type MarkSource = 'repeats' | 'shared' | 'saved' | 'selection';

export interface MarkSummary {
  markId: string;
  source: MarkSource;
  /** Opacity of the mark's core, 0..1. */
  opacity: number;
  /** W, RGB in [0, 1]. */
  colour: [number, number, number];
  /** Template size in pixels (one instance). */
  width: number;
  height: number;
  /** Instances in the image (lattice: about, from the cell area) or images in the batch. */
  instances: number;
}

/** A mark found in one document, and that document's mask with the mark's α-support (α ≥ 0.01) added. */
export interface MarkFound {
  mark: MarkSummary;
  /** The document's mask ∪ the mark's support, held by the worker: the app accepts it as one undoable step (or drops it). */
  proposal: MaskProposal;
  /** Pixels that were not masked before. */
  added: number;
  /** 'lattice': every repeat of an accepted lattice; 'matches': the selection's template, found again and again. */
  mode: 'lattice' | 'matches' | 'saved' | 'shared';
}

export interface RepeatsFound {
  accepted: boolean;
  /** Why a lattice was refused ('ok' when accepted). */
  reason: string;
  found: MarkFound | null;
}

export interface SharedFound {
  mark: MarkSummary;
  /** Per input document, in input order (`docId`: the mask's id); no proposal where the mark was not found. */
  docs: { docId: string; proposal: MaskProposal | null; added: number }[];
}

export interface MarkProgress {
  /** 0..1 */
  share: number;
}

export interface ExportedMark {
  png: Uint8Array;
  sidecar: MarkSidecar;
}

/** How one region of the result was made (the removal's per-region record, without the verdict). */
export type RegionMethodRecord = Pick<RegionRecord, 'box' | 'pixels' | 'method'>;

export type { MarkSidecar, Rect };
