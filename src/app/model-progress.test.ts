import { describe, expect, it } from 'vitest';
import { ModelProgressTracker, type Bar } from './model-progress';

function tracker() {
  const shown: Bar[] = [];
  return { bar: new ModelProgressTracker((b) => shown.push(b)), shown, last: () => shown[shown.length - 1] };
}

describe('model progress bar', () => {
  it('stays hidden once init has settled, even when a progress message arrives after that', () => {
    const t = tracker();
    t.bar.manifest([{ file: 'a.onnx', bytes: 10 }]);
    t.bar.progress({ file: 'a.onnx', loaded: 5, total: 10, phase: 'download' });
    t.bar.settle();
    expect(t.last()).toBeNull();
    // comlink's progress port and its reply port are not ordered: this one came late.
    t.bar.progress({ file: 'a.onnx', loaded: 10, total: 10, phase: 'session' });
    t.bar.manifest([{ file: 'a.onnx', bytes: 10 }]);
    expect(t.last()).toBeNull();
  });

  it('never goes backwards when the files load one after the other', () => {
    const t = tracker();
    t.bar.manifest([{ file: 'a.onnx', bytes: 100 }, { file: 'b.onnx', bytes: 300 }]);
    t.bar.progress({ file: 'a.onnx', loaded: 100, total: 100, phase: 'download' });
    t.bar.progress({ file: 'a.onnx', loaded: 100, total: 100, phase: 'session' });
    t.bar.progress({ file: 'b.onnx', loaded: 30, total: 300, phase: 'download' });
    t.bar.progress({ file: 'b.onnx', loaded: 300, total: 300, phase: 'download' });
    const shares = t.shown.filter((b) => b && b.total > 0).map((b) => b!.loaded / b!.total);
    expect(shares).toEqual([0, 0.25, 0.25, 0.325, 1]);
  });

  it('shows no percentage before the manifest is known', () => {
    const t = tracker();
    t.bar.progress({ file: 'a.onnx', loaded: 50, total: 100, phase: 'download' });
    expect(t.last()).toMatchObject({ loaded: 0, total: 0, file: 'a.onnx' });
  });
});
