/** fft.js (indutny) ships no types; this is the part we use. */
declare module 'fft.js' {
  type NumArray = number[] | Float64Array | Float32Array;
  export default class FFT {
    constructor(size: number);
    readonly size: number;
    transform(out: NumArray, data: NumArray): void;
    inverseTransform(out: NumArray, data: NumArray): void;
    realTransform(out: NumArray, data: NumArray): void;
    completeSpectrum(spectrum: NumArray): void;
    createComplexArray(): number[];
  }
}
