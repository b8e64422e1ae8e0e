/**
 * Repeats inside one image: the lattice → one periodic cell sampled from every
 * whole instance (bilinear, so a preview resized after tiling still aligns) →
 * estimateMark → a verdict that refuses periodic content (tiles, facades,
 * fabric), which repeats as well as a mark does but is no blend.
 */
import { throwIfAborted } from '../errors';
import type { RgbaImage } from '../types';
import { estimateFromSpread, lateVerdict, SPREAD_GATE } from './contraction';
import { estimateMark, stackMedian, type InstanceStack, type MarkDiagnostics, type MarkEstimate, type StackMedian } from './estimate';
import { latticeStack, OVERSAMPLE, pixelCell, pixelCellSupport, pixelStack } from './cell-stack';
import { latticeField, pixelLatticeField, type MarkField } from './field';
import { findLattice, LATTICE_PASSES, latticeWork, sameLattice, type Lattice, type LatticeOptions, type LatticeSearch } from './lattice';
import { flattestField, refineField } from './cell-pool';
import { cachedStack, type Vec2 } from './sample';
import { consistentEdges, edgeSupport, twoSidedStackSupport } from './edges';
import { neighbours, supportWraps } from './support';
import { finerLattice } from './finer';

/** Thresholds of the verdict; the bench (npm run bench:quality) reports the diagnostics they act on. */
export const REPEAT_VERDICT = {
  minExplained: 0.8,
  /**
   * 0.15 until session 11. A white text mark on a resized val preview (5 whole
   * instances, 16 with the cut ones) came out at 0.17: accepted, 11.8 → 26.3 dB
   * fPSNR. On val (76 tiled cases) 0.2 and 0.25 accept just that one more; no clean
   * val photo (80), periodic picture or val pattern case is accepted, and the val
   * batches at K = 2 and 4 keep their verdicts (those refused are at 0.35–0.50).
   */
  maxNegativeShare: 0.2,
  /**
   * 0.9 until session 5. On val (seed 5, 32 tiled cases) two real marks were
   * refused at 0.93–0.94, a JPEG'd text mark and a resized logo, where inversion
   * amplifies JPEG noise or the resampled cell blurs the edges; accepted, they go
   * 11.8 → 31.5 and 22.5 → 35.9 dB fPSNR. No periodic picture of the bench and
   * none of 68 clean val photos is refused by this check (none has a lattice
   * that passes the checks before it), so it only turns away near-misses.
   */
  maxEnergyRatio: 0.97,
  minDiversity: 4,
  maxSupportShare: 0.6,
  minContrast: 6,
  /** The pictures must show through a semi-transparent mark (see MarkDiagnostics.transmission). */
  minTransmission: 0.5,
  /**
   * Nor more than a blend lets through: where the pictures vary more inside the repeated shape
   * than (1 − α) times outside it, content lies over the shape (the labels of a screenshot's
   * repeated buttons), not a mark over the picture. Read where the pictures differ most outside
   * it (MarkDiagnostics.firmTransmission). Val: the accepted marks read 0.70–2.44 (88 tiled
   * cases) and 0.63–1.44 (marks tiled over the 7 val documents at 1600 px and 12 MP); a clean UI
   * screenshot of val, accepted before at 800 and 1600 px (1.3 % of its pixels changed, menu
   * text smeared), 5.69 and 7.58.
   */
  maxFirmTransmission: 4,
  /** Real tiled marks are semi-transparent; an opaque repeat is grout, a grid, a window: content. */
  maxOpacity: 0.85,
};

export interface RepeatsResult {
  search: LatticeSearch;
  estimate: MarkEstimate | null;
  /** The field to invert; null when no lattice was found or it was refused. */
  field: MarkField | null;
  accepted: boolean;
  /** Why it was refused ('ok' when accepted). */
  reason: string;
}

/**
 * The wrap test (supportWraps) runs on the support where α is above this share of
 * its peak. On the grown support three val text marks on staggered lattices were
 * refused as "one pattern runs through every repeat" (their grown supports touch
 * across the gaps); with it, one of them is accepted (17.8 → 21.3 dB fPSNR) and
 * two are refused by the next check. The periodic pictures and val pattern cases
 * stay refused.
 */
const WRAP_ALPHA_SHARE = 0.25;
/**
 * The same share for α read from the instances' spread (contraction.ts): that α is a 3 × 3 mean of
 * noisy spread ratios over a grown support, so its low levels bridge the gaps between instances.
 * Val 12 MP (seed 11, large-7: a grey logo at α 0.30, 30 instances): on the basis the search gave
 * (its rows' vector first) the spread estimate was refused as a wrap at 0.25, and the lattice of
 * every third row was inverted instead (27.63 dB fPSNR); at 0.5 it is accepted, 42.12 dB. On val
 * (88 tiled, 40 pattern, 40 clean cases of the triage set, 6 periodic pictures, 60 clean photos)
 * no verdict changes but one clean photo's, refused later (energy ratio 8.84) instead.
 */
const SPREAD_WRAP_ALPHA_SHARE = 0.5;
/** Refusals of the median-based estimate that the spread-based one (contraction.ts) may overturn. */
const SPREAD_RETRY = /^(two-sided contrast|too faint|not one colour)/;
/** Long side (px) up to which a refused lattice is searched again with the later passes (findRepeats). */
const RESEARCH_MAX_SIDE = 768;
/** Instances, whole and cut, needed to estimate from a lattice with fewer than three whole cells. */
const MIN_WITH_CUT = 4;

/** Why a lattice is refused when one pattern winds through every repeat: the picture itself is periodic. */
const WRAPS = 'one connected pattern runs through every repeat (a grid, grout, stripes): content, not a mark';

/**
 * True when the lattice search found repeats and refused them as one pattern running
 * through all of them (tiles, a plaid, a grid): the picture itself is periodic, and
 * where a detected region sits in it says nothing (triage's placement evidence).
 */
export function isPeriodicPicture(r: RepeatsResult): boolean {
  return !r.accepted && r.reason === WRAPS;
}

export function judgeRepeats(d: MarkDiagnostics, opacity: number, wraps = false, kind: 'repeats' | 'batch' = 'repeats'): string {
  const v = REPEAT_VERDICT;
  const batch = kind === 'batch';
  if (wraps) return WRAPS;
  if (opacity > v.maxOpacity) return `opaque repeats (opacity ${opacity.toFixed(2)}): content such as grout or a grid, not a mark`;
  if (d.contrast < v.minContrast) return `too faint (contrast ${d.contrast.toFixed(1)})`;
  if (d.supportShare > v.maxSupportShare) return `fills the cell (${(d.supportShare * 100).toFixed(0)} %): content, not a mark`;
  if (d.negativeShare > v.maxNegativeShare) return `two-sided contrast (${(d.negativeShare * 100).toFixed(0)} % against the mark colour): content, not a blend`;
  if (d.explained < v.minExplained) return `not one colour (${(d.explained * 100).toFixed(0)} % explained): content, not a blend`;
  // In a batch the pictures differ by construction, and inverting a strong mark over JPEG raises the noise: these two tell periodic content only.
  if (!batch && d.energyRatio > v.maxEnergyRatio) return `inversion does not flatten it (energy ratio ${d.energyRatio.toFixed(2)})`;
  if (d.instances >= 3 && d.transmission < v.minTransmission) return `nothing shows through it (transmission ${d.transmission.toFixed(2)}): opaque content, not a blend`;
  if (!batch && d.instances >= 3 && d.firmTransmission > v.maxFirmTransmission) return `more shows through it than a blend lets through (transmission ${d.firmTransmission.toFixed(2)}): content over a repeated shape, not a mark`;
  if (!batch && d.diversity < v.minDiversity) return `instances are identical underneath (diversity ${d.diversity.toFixed(1)}): a periodic picture, not a mark over one`;
  return 'ok';
}
export interface RepeatsOptions extends LatticeOptions {
  /** Re-estimate a non-integer lattice's α per pixel phase (phase.ts); default true. */
  phase?: boolean;
  /** Re-estimate an integer lattice's α from every instance's pixels (cell-pool.ts); default true. */
  pool?: boolean;
  /**
   * A non-integer lattice: also estimate from the instances the border cuts (up to the
   * instance cap) and keep that when it passes and inverts flatter; default true. Val
   * resized tiled cases (38, seeds 5/77/123): mean fPSNR 25.87 → 28.20 dB, 4 more
   * accepted, none lost (one −0.2 dB); no clean val photo or periodic picture accepted.
   */
  cut?: boolean;
  /** When the median's contrast is refused (two-sided, too faint), read α from the instances' spread (contraction.ts); default true. */
  spread?: boolean;
  /** Estimate again with two-sided edges when refused or mid grey (withTwoSidedEdges); default true. */
  twoSided?: boolean;
}

/**
 * Luma range of a mark colour that may lie among the pictures' colours (withTwoSidedEdges): the val
 * grey marks' colours read 0.46–0.52 once recoloured, white and black ones 0.94–1 and 0–0.05.
 */
const MID_GREY = [0.15, 0.85] as const;
/**
 * Refusals withTwoSidedEdges estimates again: those of the support or the median's contrast. Not a
 * wrap, an opaque repeat, nothing showing through or identical pictures: those are the picture's.
 */
const TWO_SIDED_RETRY = /^(fills the cell|two-sided contrast|too faint|not one colour|inversion does not flatten|read from the instances' spread)/;

/**
 * A support from two-sided edges over maxSupportShare of the cell is refused before the estimate
 * (which would refuse it as well): relaxing a background under most of a 512² cell took 35 s on a
 * 12 MP test picture.
 */
const FILLS_CELL = 'two-sided edges fill the cell: content, not a mark';
function fillsCell(support: Uint8Array): boolean {
  let n = 0;
  for (const v of support) n += v;
  return n > REPEAT_VERDICT.maxSupportShare * support.length;
}

/** A resampled stack's support from two-sided consistent edges (estimateMark reads stack.support). */
function twoSidedSupport(stack: InstanceStack, medJ: Float32Array): Uint8Array {
  return twoSidedStackSupport(stack, medJ, neighbours(stack.width, stack.height, stack.topology), OVERSAMPLE, REPEAT_VERDICT.maxSupportShare);
}

export function findRepeats(
  image: RgbaImage,
  opts: RepeatsOptions = {},
  signal?: AbortSignal,
  onProgress?: (share: number) => void,
): RepeatsResult {
  // A lattice whose estimate is refused may be the wrong one (a multiple of the mark's, or
  // another structure's, such as a receipt's monospace print): on a picture of at most
  // RESEARCH_MAX_SIDE the passes after the one that found it search again, from the spectra the
  // first search made (LatticeWork), and the first accepted estimate wins. Refused everywhere, the
  // first refusal is reported (isPeriodicPicture reads it). Val figures (pattern cases, session 19)
  // and why not at every size (Detect at 1.1–1.9 s on a refused picture): docs/quality.md, session 30.
  const passes = opts.passes ?? LATTICE_PASSES;
  let first: RepeatsResult | null = null;
  const tried: Lattice[] = [];
  const work = latticeWork();
  for (let from = 0; from < passes.length; ) {
    const search = findLattice(image, { ...opts, passes: passes.slice(from) }, signal, work);
    if (!search.lattice) return first ?? { search, estimate: null, field: null, accepted: false, reason: search.reason };
    const attempt = (s: LatticeSearch, progress?: (share: number) => void): RepeatsResult | null => {
      if (!s.lattice || tried.some((t) => sameLattice(t, s.lattice!))) return null;
      tried.push(s.lattice);
      return withTwoSidedEdges(image, s, opts, signal, progress);
    };
    // An accepted lattice may be every second or third repeat of the mark's (finer.ts): estimated again on the finer one, kept when accepted.
    const finer = (r: RepeatsResult): RepeatsResult => {
      const f = finerLattice(image, r.search.lattice!, r.field!);
      const again = f ? attempt({ ...r.search, lattice: f, alternative: undefined }) : null;
      return again?.accepted ? again : r;
    };
    const own: RepeatsResult | null = attempt(search, first ? undefined : onProgress);
    if (own?.accepted) return finer(own);
    // The coarser lattice an earlier pass passed over for this one, estimated only if this one is refused.
    const alt: RepeatsResult | null = search.alternative ? attempt(search.alternative(), first || own ? undefined : onProgress) : null;
    if (alt?.accepted) return finer(alt);
    // Both refused, the earlier pass's refusal (the alternative's) is the first: a plaid under a tiled mark stays a periodic picture.
    first ??= alt ?? own;
    if (Math.max(image.width, image.height) > RESEARCH_MAX_SIDE) break;
    from += (search.pass ?? passes.length) + 1;
  }
  return first!;
}

/**
 * The estimate from one lattice, and again with a support from two-sided edges (edges.ts
 * consistentEdges, edgeSupport) when the first is accepted in a mid-grey colour (luma in MID_GREY)
 * or refused for its support or contrast (TWO_SIDED_RETRY). A mark whose colour lies among the
 * pictures' is darker than light ground and lighter than dark ground: its edges flip sign between
 * instances, and the signed edges keep a part of it (on a val grey text, the "S" of "Sample"), so
 * the pooled α covers that part only. Both accepted, the flatter inversion wins; the second refused,
 * the first stands, with its reason (a periodic picture stays one).
 *
 * The first refused, the second on a resampled grid is judged on its inversion's energy only once
 * α is refined per phase (repeatsOn's `judgeRefined`), and must then be in the picture
 * (contraction.ts LATE_PRESENCE): the grid blurs the mark's edges, and a mark of the pictures' own tone, whose
 * inversion lifts their noise by 1/(1 − α), leaves edges that the refined α does not. Val 12 MP
 * (seed 31, large-1, a grey logo at α 0.28): refused at 1.22 on the grid, 0.82 refined, presence
 * g 1.04 with 90 % explained; 22.07 → 30.09 dB fPSNR. Not when the first was accepted: on val
 * (seed 11, large-9) a faint blue estimate (0.98 → 0.77) then won as the flatter one over the
 * right grey mark, 34.26 → 22.98 dB.
 */
function withTwoSidedEdges(image: RgbaImage, search: LatticeSearch, opts: RepeatsOptions, signal?: AbortSignal, onProgress?: (share: number) => void): RepeatsResult {
  const memo: StackMemo = new Map();
  const own = repeatsOn(image, search, opts, signal, onProgress, false, memo);
  if (opts.twoSided === false || !own.estimate) return own;
  if (own.accepted) {
    const [r, g, b] = own.field!.colour;
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    if (!(luma >= MID_GREY[0] && luma <= MID_GREY[1])) return own;
  } else if (!TWO_SIDED_RETRY.test(own.reason)) {
    return own;
  }
  const two = repeatsOn(image, search, opts, signal, undefined, true, memo, !own.accepted);
  if (!two.accepted) return own;
  if (!own.accepted) return two;
  return flattestField(image, [own.field!, two.field!]) === two.field ? two : own;
}

/**
 * One lattice's instance stacks and their medians, by kind ('cell', 'grid', 'cut'): the estimate
 * with two-sided edges reads the same ones as the first (at 12 MP about 1.4 s saved).
 */
type StackMemo = Map<string, { stack: InstanceStack; median: StackMedian; fromCut?: boolean }>;

/**
 * The estimate from one lattice and its verdict; `twoSided`: its support from two-sided edges;
 * `judgeRefined`: refused on a resampled grid for its inversion's energy alone, judged again once refined.
 */
function repeatsOn(image: RgbaImage, search: LatticeSearch, opts: RepeatsOptions, signal?: AbortSignal, onProgress?: (share: number) => void, twoSided = false, memo: StackMemo = new Map(), judgeRefined = false): RepeatsResult {
  onProgress?.(0.2);
  const refuse = (reason: string, estimate: MarkEstimate | null = null): RepeatsResult => ({ search, estimate, field: null, accepted: false, reason });
  if (!search.lattice) return refuse(search.reason);
  const lattice = search.lattice;
  const progress = (s: number) => onProgress?.(0.2 + 0.8 * s);
  const integer = [...lattice.v1, ...lattice.v2].every((v) => Math.abs(v - Math.round(v)) < 0.1);
  const hnf = integer ? pixelCell(lattice, image) : null;
  const cellField = (e: MarkEstimate): MarkField => (hnf ? pixelLatticeField(hnf, e, image) : latticeField(lattice, e, image));
  let estimate: MarkEstimate;
  let field: MarkField;
  let fromCut = false;
  // What the spread estimate reads if the median's is refused: the pixel cell, else the stack with cut instances if any.
  let spreadFrom: { stack: InstanceStack; median: StackMedian };
  if (hnf) {
    // Tiled and not resized: every instance is the same pixels, so work on pixels, not a resampled grid.
    const rounded: Vec2[] = [lattice.v1, lattice.v2].map((v) => [Math.round(v[0]), Math.round(v[1])] as Vec2);
    const kept = memo.get('cell');
    const cell = kept?.stack ?? pixelStack(image, hnf);
    if (cell.count < 3) return refuse(`only ${cell.count} whole repeats`);
    const median = kept?.median ?? stackMedian(cell, signal, (s) => progress(0.6 * s));
    memo.set('cell', { stack: cell, median });
    spreadFrom = { stack: cell, median };
    const nb = neighbours(hnf.a, hnf.c, cell.topology);
    const keep = consistentEdges(cell, median.medJ, nb, twoSided);
    cell.support = twoSided ? edgeSupport(keep, nb) : pixelCellSupport(median.medJ, keep, hnf, rounded[0], rounded[1]);
    if (twoSided && fillsCell(cell.support)) return refuse(FILLS_CELL);
    estimate = estimateMark(cell, signal, progress, median);
    field = pixelLatticeField(hnf, estimate, image);
  } else {
    const kept = memo.get('grid');
    let stack = kept?.stack ?? latticeStack(image, lattice);
    // A wide lattice on a small preview leaves fewer than three whole cells: start from the cut ones as well.
    if (!kept && stack.count < 3 && opts.cut !== false) {
      const withCut = latticeStack(image, lattice, OVERSAMPLE, true);
      if (withCut.count >= MIN_WITH_CUT) {
        stack = withCut;
        fromCut = true;
      }
    }
    fromCut ||= !!kept?.fromCut;
    if (stack.count < 3) return refuse(`only ${stack.count} whole repeats`);
    const grid = kept?.stack ?? cachedStack(stack);
    const median = kept?.median ?? stackMedian(grid, signal, (s) => progress(0.5 * s));
    memo.set('grid', { stack: grid, median, fromCut });
    if (twoSided) grid.support = twoSidedSupport(grid, median.medJ);
    if (twoSided && fillsCell(grid.support!)) return refuse(FILLS_CELL);
    spreadFrom = { stack: grid, median };
    estimate = estimateMark(grid, signal, (s) => progress(0.5 + 0.35 * s), median);
    field = latticeField(lattice, estimate, image);
  }
  const judge = (e: MarkEstimate, share = WRAP_ALPHA_SHARE) => {
    // The wrap test reads where the mark is, not its support grown into the gaps: a long text whose grown support touches the next repeat is no grid.
    let amax = 0;
    for (const a of e.alphaHw) if (a > amax) amax = a;
    const wrapSupport = Uint8Array.from(e.supportHw, (s, i) => (s && e.alphaHw[i] > share * amax ? 1 : 0));
    return judgeRepeats(e.diagnostics, e.opacity, supportWraps(wrapSupport, e.width, e.height, hnf ? hnf.b : 0));
  };
  let reason = judge(estimate);
  // A resampled cell reads whole instances only; with few of them (a large mark on a small preview) the
  // median is the picture's. Instances the border cuts are tried as well, and kept when they pass and invert flatter.
  if (!hnf && !fromCut && opts.cut !== false) {
    const keptCut = memo.get('cut');
    const cutGrid = keptCut?.stack ?? latticeStack(image, lattice, OVERSAMPLE, true);
    if (cutGrid.count > (cutGrid.whole ?? cutGrid.count)) {
      const cutCached = keptCut?.stack ?? cachedStack(cutGrid);
      const cutMedian = keptCut?.median ?? stackMedian(cutCached, signal);
      memo.set('cut', { stack: cutCached, median: cutMedian });
      if (twoSided) cutCached.support = twoSidedSupport(cutCached, cutMedian.medJ);
      spreadFrom = { stack: cutCached, median: cutMedian };
      const other = twoSided && fillsCell(cutCached.support!) ? null : estimateMark(cutCached, signal, undefined, cutMedian);
      if (other && judge(other) === 'ok') {
        const otherField = latticeField(lattice, other, image);
        if (reason !== 'ok' || flattestField(image, [field, otherField]) === otherField) {
          estimate = other;
          field = otherField;
          reason = 'ok';
        }
      }
    }
  }
  // Refused for its median's contrast: a mid-grey mark has none, or both signs. Read α from how much the instances vary instead.
  let fromSpread = false;
  let wide: MarkEstimate | null = null;
  if (reason !== 'ok' && opts.spread !== false && SPREAD_RETRY.test(reason)) {
    const other = estimateFromSpread(spreadFrom.stack, spreadFrom.median, (e) => judge(e, SPREAD_WRAP_ALPHA_SHARE), signal);
    if (other) {
      estimate = other.estimate;
      wide = other.wide;
      field = cellField(other.estimate);
      reason = 'ok';
      fromSpread = true;
    }
  }
  // Refused only because its inversion leaves edges (every later check passes), on a resampled grid that blurs them: judged again once refined.
  let flattenLater = false;
  if (judgeRefined && !hnf && opts.phase !== false && reason.startsWith('inversion does not flatten') && judge({ ...estimate, diagnostics: { ...estimate.diagnostics, energyRatio: 0 } }) === 'ok') {
    flattenLater = true;
    reason = 'ok';
  }
  if (reason !== 'ok') return refuse(reason, estimate);
  field = refineField(image, lattice, hnf, estimate, field, opts, signal);
  // Judged on the refined field: its inversion's energy, then whether the mark it describes is in the picture.
  const late = fromSpread
    ? SPREAD_GATE
    : flattenLater
      ? { maxRatio: REPEAT_VERDICT.maxEnergyRatio, flat: 'inversion does not flatten it, refined', absent: 'the mark its two-sided edges describe is not in the picture' }
      : null;
  if (late) {
    // A spread estimate on its wider support too (contraction.ts WIDE_SUPPORT_ALPHA): the flatter inversion first, the first that passes kept.
    const options = [{ estimate, field }];
    if (wide) options.push({ estimate: wide, field: refineField(image, lattice, hnf, wide, cellField(wide), opts, signal) });
    if (options.length > 1 && flattestField(image, [field, options[1].field]) !== field) options.reverse();
    const verdicts = [];
    for (const o of options) {
      verdicts.push({ ...o, ...lateVerdict(image, o.field, late) });
      if (verdicts.at(-1)!.reason === 'ok') break;
    }
    // Refused on both, the narrow support's refusal is the one reported.
    const kept = verdicts.find((v) => v.reason === 'ok') ?? verdicts.find((v) => v.estimate === estimate)!;
    estimate = { ...kept.estimate, diagnostics: { ...kept.estimate.diagnostics, energyRatio: kept.ratio } };
    field = kept.field;
    if (kept.reason !== 'ok') return refuse(kept.reason, estimate);
  }
  progress(1);
  return { search, estimate, field, accepted: true, reason };
}
