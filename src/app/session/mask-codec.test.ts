import { describe, expect, it } from 'vitest';
import { MaskDocs } from '../../worker/mask-docs';
import { maskRecord, maskZlib } from './mask-codec';

function boxMask(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height);
  for (let y = 100; y < 180; y++) data.fill(255, y * width + 200, y * width + 700);
  // A soft edge, as feathering leaves.
  for (let x = 200; x < 700; x++) data[180 * width + x] = x % 256;
  return data;
}

/** How sessions were saved before the worker held the masks. */
async function compressionStream(data: Uint8Array): Promise<Blob> {
  return new Blob([await new Response(new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer()]);
}

describe('mask codec', () => {
  it('round-trips every byte through the worker and the record, and packs small', async () => {
    const data = boxMask(1000, 800);
    const worker = new MaskDocs();
    worker.open('a', 1000, 800);
    worker.load('a', new Uint8Array(await (await compressionStream(data)).arrayBuffer()), false);
    const record = maskRecord(worker.packed('a'));
    expect(record.deflated.size).toBeLessThan(data.length / 100);
    const back = new MaskDocs();
    back.open('b', 1000, 800);
    back.load('b', await maskZlib(record), false);
    expect(Buffer.compare(Buffer.from(back.bytes('b').bytes), Buffer.from(data))).toBe(0);
  });

  it('reads a session saved with CompressionStream, as before', async () => {
    const data = boxMask(1000, 800);
    const worker = new MaskDocs();
    worker.open('a', 1000, 800);
    const change = worker.load('a', await maskZlib({ width: 1000, height: 800, deflated: await compressionStream(data) }), false);
    expect(change?.count).toBe(data.reduce((n, v) => n + (v ? 1 : 0), 0));
  });

  it('refuses a bad size, and data that does not make the mask', async () => {
    await expect(maskZlib({ width: 0, height: 5, deflated: new Blob([]) })).rejects.toThrow(/bad size/);
    const worker = new MaskDocs();
    worker.open('a', 10, 10);
    const short = await maskZlib({ width: 10, height: 10, deflated: await compressionStream(new Uint8Array(99)) });
    expect(() => worker.load('a', short, false)).toThrow(/99 bytes for 10×10/);
  });
});
