/** engine/mark: estimate a mark (α, W) from its repeats and remove it by inverting the blend. See README.md. */
export { findRepeats, isPeriodicPicture, REPEAT_VERDICT, type RepeatsResult } from './repeats';
export { findLattice, latticeWork, type Lattice, type LatticeSearch, type LatticeWork } from './lattice';
export { learnSharedMark, type SharedMark } from './batch';
export { fitOneColour, type BlendVerdict, type OneColourFit } from './single';
export { findBands, type Band } from './band';
export { findBars, barField, type Bar } from './bar';
export { locateMark, type Located } from './locate';
export { invertMarks, ALPHA_MAX, ALPHA_MIN, type InvertResult } from './invert';
export { templateField, latticeField, type MarkField, type Placement } from './field';
export { decodeMarkPng, encodeMarkPng, markSidecar, type MarkSidecar, type MarkTemplate } from './template';
export { removeWithMarks, type KnownMark, type RegionRecord, type RemovalMethod } from './remove';
export type { MarkDiagnostics } from './estimate';
