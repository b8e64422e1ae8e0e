/**
 * Walks a JPEG's entropy-coded scans with its own Huffman tables, without any
 * IDCT, to prove the data really fills the frame the header declares.
 *
 * Why: browsers decode a JPEG whose data ends early (a header patched to
 * 4000×4000 over 480×320 data, a zeroed scan) and paint the missing blocks
 * grey, while libjpeg (sharp, the CLI) refuses it with "premature end of data
 * segment". Running this check before either decoder makes both refuse the
 * same files with the same code. See issue 11, item 5.
 *
 * Covered: baseline and extended sequential Huffman scans (every block), and
 * the DC scans of progressive files. Progressive AC scans, lossless and
 * hierarchical frames and arithmetic coding (SOF3, SOF5-7, SOF9-15) are not
 * walked: their blocks are left to the decoders.
 */
import { WmError } from './errors';

interface HuffmanTable {
  /** Canonical decoding: per code length 1..16, the largest code, and where its symbols start. */
  maxCode: Int32Array; // (17,) -1 when no code of that length
  valPtr: Int32Array; // (17,)
  minCode: Int32Array; // (17,)
  symbols: Uint8Array;
  /** Fast path: the next 9 bits → (length << 8) | symbol, 0 when the code is longer. */
  lookup: Uint16Array; // (512,)
}

const LOOKUP_BITS = 9;

interface Component {
  id: number;
  h: number;
  v: number;
}

interface Frame {
  width: number;
  height: number;
  progressive: boolean;
  /** Huffman-coded DCT (SOF0 baseline, SOF1 extended, SOF2 progressive): the frames we can walk. */
  walkable: boolean;
  components: Component[];
  hMax: number;
  vMax: number;
}

function damaged(why: string): WmError {
  return new WmError('E_DECODE_FAILED', `This JPEG file is damaged: ${why}. It cannot be opened.`);
}

function buildTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(17).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    if (n > 0) {
      valPtr[len] = k;
      minCode[len] = code;
      code += n;
      k += n;
      maxCode[len] = code - 1;
    }
    code <<= 1;
  }
  const lookup = new Uint16Array(1 << LOOKUP_BITS);
  for (let len = 1; len <= LOOKUP_BITS; len++) {
    if (maxCode[len] < 0) continue;
    for (let c = minCode[len]; c <= maxCode[len]; c++) {
      const entry = (len << 8) | symbols[valPtr[len] + c - minCode[len]];
      const shift = LOOKUP_BITS - len;
      for (let low = 0; low < 1 << shift; low++) lookup[(c << shift) | low] = entry;
    }
  }
  return { maxCode, valPtr, minCode, symbols, lookup };
}

/** Reads entropy-coded bits, undoing FF00 stuffing; stops at any marker. */
class BitReader {
  /** The low `count` bits of `acc` are unread; bits above them are stale. */
  private acc = 0;
  private count = 0;
  /** Set when a marker (other than a stuffed byte) was reached; `pos` is then at its FF. */
  marker = -1;
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
  ) {}

  private fillByte(): boolean {
    if (this.marker >= 0 || this.pos >= this.b.length) return false;
    const byte = this.b[this.pos];
    if (byte === 0xff) {
      let next = this.pos + 1;
      while (next < this.b.length && this.b[next] === 0xff) next++;
      if (next >= this.b.length) return false;
      if (this.b[next] !== 0x00) {
        this.marker = this.b[next];
        this.pos = next - 1;
        return false;
      }
      this.pos = next + 1;
    } else {
      this.pos++;
    }
    // count ≤ 16 here, so the shifted value stays below 2^24.
    this.acc = ((this.acc & ((1 << this.count) - 1)) << 8) | byte;
    this.count += 8;
    return true;
  }

  /** Makes n (≤ 16) bits available if the data has them. */
  private ensure(n: number): void {
    while (this.count < n && this.fillByte());
  }

  bit(): number {
    this.ensure(1);
    if (this.count === 0) return -1;
    this.count--;
    return (this.acc >>> this.count) & 1;
  }

  /** Skip n (≤ 16) bits; false when the data ends first. */
  skip(n: number): boolean {
    this.ensure(n);
    if (this.count < n) return false;
    this.count -= n;
    return true;
  }

  /** The next symbol; -1 when the data ends inside the code, -2 for a code the table lacks. */
  decode(t: HuffmanTable): number {
    this.ensure(LOOKUP_BITS);
    // Past the end, pad with 1-bits as encoders do; a code that needs them means the data ended.
    const have = Math.min(this.count, LOOKUP_BITS);
    const peek = have === LOOKUP_BITS
      ? (this.acc >>> (this.count - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1)
      : (((this.acc & ((1 << have) - 1)) << (LOOKUP_BITS - have)) | ((1 << (LOOKUP_BITS - have)) - 1));
    const entry = t.lookup[peek];
    if (entry !== 0) {
      const len = entry >> 8;
      if (len > this.count) return -1;
      this.count -= len;
      return entry & 0xff;
    }
    // Codes longer than the lookup: bit by bit (F.2.2.3, DECODE).
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      const bit = this.bit();
      if (bit < 0) return -1;
      code = (code << 1) | bit;
      if (t.maxCode[len] >= 0 && code <= t.maxCode[len]) return t.symbols[t.valPtr[len] + code - t.minCode[len]];
    }
    return -2;
  }

  /** Consume a restart marker RSTn expected here, after the current byte's padding bits. */
  restart(): boolean {
    this.count -= this.count % 8;
    if (this.count > 0) return false; // whole bytes before the marker: not where a restart belongs
    if (this.marker < 0) this.fillByte(); // reach the marker
    if (this.marker < 0xd0 || this.marker > 0xd7) return false;
    this.pos += 2;
    this.marker = -1;
    this.count = 0;
    return true;
  }
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/**
 * Throws E_DECODE_FAILED when a scan ends before the blocks its frame needs,
 * holds a code its Huffman tables cannot decode, or misses a restart marker.
 * Assumes the bytes already passed validateInput (SOI, a frame header, EOI).
 */
export function verifyJpegScans(b: Uint8Array): void {
  const dc = new Map<number, HuffmanTable>();
  const ac = new Map<number, HuffmanTable>();
  let frame: Frame | null = null;
  let restartInterval = 0;
  let pos = 2;
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) {
      pos++; // garbage between segments: libjpeg skips it with a warning; so do we
      continue;
    }
    const marker = b[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xd9) return;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos += 2;
      continue;
    }
    const len = (b[pos + 2] << 8) | b[pos + 3];
    const start = pos + 4;
    const end = pos + 2 + len;
    if (end > b.length) throw damaged('a segment runs past the end of the file');
    if (marker === 0xc4) {
      let p = start;
      while (p + 17 <= end) {
        const tc = b[p] >> 4;
        const th = b[p] & 15;
        const counts = b.subarray(p + 1, p + 17);
        let n = 0;
        for (const c of counts) n += c;
        if (p + 17 + n > end) throw damaged('a Huffman table is cut short');
        const table = buildTable(counts, b.subarray(p + 17, p + 17 + n));
        (tc === 0 ? dc : ac).set(th, table);
        p += 17 + n;
      }
    } else if (marker === 0xdd) {
      restartInterval = (b[start] << 8) | b[start + 1];
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const nf = b[start + 5];
      const components: Component[] = [];
      for (let i = 0; i < nf; i++) {
        const o = start + 6 + i * 3;
        components.push({ id: b[o], h: Math.max(1, b[o + 1] >> 4), v: Math.max(1, b[o + 1] & 15) });
      }
      frame = {
        height: (b[start + 1] << 8) | b[start + 2],
        width: (b[start + 3] << 8) | b[start + 4],
        progressive: marker === 0xc2,
        walkable: marker === 0xc0 || marker === 0xc1 || marker === 0xc2,
        components,
        hMax: Math.max(...components.map((c) => c.h)),
        vMax: Math.max(...components.map((c) => c.v)),
      };
    } else if (marker === 0xda) {
      if (!frame) throw damaged('the image data starts before the frame header');
      pos = verifyScan(b, start, end, frame, dc, ac, restartInterval);
      continue;
    }
    pos = end;
  }
}

/** Returns the position after the scan's entropy-coded data. */
function verifyScan(
  b: Uint8Array,
  start: number,
  end: number,
  frame: Frame,
  dc: Map<number, HuffmanTable>,
  ac: Map<number, HuffmanTable>,
  restartInterval: number,
): number {
  const ns = b[start];
  const ss = b[start + 1 + ns * 2];
  const se = b[start + 2 + ns * 2];
  const ah = b[start + 3 + ns * 2] >> 4;
  const scan: Array<{ comp: Component; dc?: HuffmanTable; ac?: HuffmanTable }> = [];
  for (let i = 0; i < ns; i++) {
    const id = b[start + 1 + i * 2];
    const tables = b[start + 2 + i * 2];
    const comp = frame.components.find((c) => c.id === id);
    if (!comp) throw damaged(`a scan names component ${id}, which the frame does not have`);
    scan.push({ comp, dc: dc.get(tables >> 4), ac: ac.get(tables & 15) });
  }
  const reader = new BitReader(b, end);
  const checked = frame.walkable && (!frame.progressive || (ss === 0 && se === 0));
  if (!checked) return skipEntropy(b, end);
  const dcOnly = frame.progressive;
  for (const s of scan) {
    if (dcOnly && ah > 0) continue; // DC refinement: one raw bit per block, no tables
    if (!s.dc || (!dcOnly && !s.ac)) throw damaged('a scan uses a Huffman table the file does not define');
  }

  // Blocks per MCU and MCU count (A.2): interleaved scans use the frame's MCU
  // grid, a single-component scan walks that component's own blocks.
  let mcus: number;
  let units: Array<{ s: (typeof scan)[number]; n: number }>;
  if (ns === 1) {
    const c = scan[0].comp;
    const w = ceilDiv(ceilDiv(frame.width * c.h, frame.hMax), 8);
    const h = ceilDiv(ceilDiv(frame.height * c.v, frame.vMax), 8);
    mcus = w * h;
    units = [{ s: scan[0], n: 1 }];
  } else {
    mcus = ceilDiv(frame.width, 8 * frame.hMax) * ceilDiv(frame.height, 8 * frame.vMax);
    units = scan.map((s) => ({ s, n: s.comp.h * s.comp.v }));
  }
  for (let m = 0; m < mcus; m++) {
    if (restartInterval > 0 && m > 0 && m % restartInterval === 0 && !reader.restart()) {
      throw damaged(`a restart marker is missing after ${m} of ${mcus} blocks`);
    }
    for (const { s, n } of units) {
      for (let k = 0; k < n; k++) {
        if (!verifyBlock(reader, s.dc, dcOnly ? undefined : s.ac, dcOnly && ah > 0)) {
          throw damaged(`its image data ends after ${m} of ${mcus} blocks (the header promises ${frame.width} × ${frame.height} pixels)`);
        }
      }
    }
  }
  return skipEntropy(b, reader.pos);
}

/** One 8×8 block's codes (F.2.2); false when the data ends or a code is invalid. */
function verifyBlock(r: BitReader, dc: HuffmanTable | undefined, ac: HuffmanTable | undefined, refineBit: boolean): boolean {
  if (refineBit) return r.bit() >= 0;
  if (!dc) return false;
  const s = r.decode(dc);
  if (s < 0 || s > 16 || !r.skip(s)) return false;
  if (!ac) return true;
  for (let k = 1; k < 64; ) {
    const rs = r.decode(ac);
    if (rs < 0) return false;
    const run = rs >> 4;
    const size = rs & 15;
    if (size === 0) {
      if (run !== 15) return true; // EOB
      k += 16;
      continue;
    }
    k += run;
    if (k > 63 || !r.skip(size)) return false;
    k++;
  }
  return true;
}

/** Position of the next marker that is not a stuffed byte or a restart. */
function skipEntropy(b: Uint8Array, pos: number): number {
  while (pos + 1 < b.length) {
    if (b[pos] === 0xff) {
      const next = b[pos + 1];
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
        pos += next === 0xff ? 1 : 2;
        continue;
      }
      return pos;
    }
    pos++;
  }
  return b.length;
}
