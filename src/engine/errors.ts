/**
 * Typed errors. Every failure the user can see carries a stable code so that the
 * UI, the CLI and the tests can tell them apart without parsing messages.
 */
export const ErrorCodes = {
  // Validation: the input is not something we can work on.
  E_EMPTY_FILE: 'validation',
  E_UNSUPPORTED_FORMAT: 'validation',
  E_TRUNCATED: 'validation',
  E_FILE_TOO_LARGE: 'validation',
  E_DIMENSIONS_TOO_LARGE: 'validation',
  E_DECODE_FAILED: 'validation',
  E_MASK_MISMATCH: 'validation',
  E_BAD_OPTION: 'validation',
  // Marks: learning one from repeats, reading a saved one.
  E_MARK_TOO_FEW: 'validation',
  E_MARK_SIZE_MISMATCH: 'validation',
  E_MARK_INVALID: 'validation',
  E_MARK_NOT_FOUND: 'processing',
  /** An animated PNG or WebP: only still images are edited, never silently their first frame. */
  E_ANIMATED: 'validation',
  /** An output path that cannot be written: a name too long, or one that leaves --out. */
  E_OUTPUT_NAME: 'validation',
  /** Opening this image would go past the app's memory budget. */
  E_MEMORY_BUDGET: 'validation',
  // Models: manifest, download, integrity.
  E_MANIFEST_INVALID: 'model',
  E_MODEL_FETCH: 'model',
  E_MODEL_HASH_MISMATCH: 'model',
  E_MODEL_SIZE_MISMATCH: 'model',
  E_MODEL_MISSING: 'model',
  // Backends: ONNX Runtime could not start or run.
  E_BACKEND_INIT: 'backend',
  E_BACKEND_RUN: 'backend',
  /** The inference worker died (an uncaught error, no answer); it is restarted. */
  E_WORKER_CRASHED: 'backend',
  // Processing: our own pipeline failed.
  E_PROCESSING: 'processing',
  E_EMPTY_MASK: 'processing',
  /** The worker does not hold that document (it restarted, or the image was closed): decode it again. */
  E_DOC_MISSING: 'processing',
  E_ENCODE_FAILED: 'processing',
  // The user stopped it.
  E_CANCELLED: 'cancelled',
  // The HTTP server (src/server): who may ask, how often, and how much at once.
  /** Too many requests from this client, or banned for a while after repeated excess: retry after Retry-After. */
  E_RATE_LIMITED: 'rate-limit',
  /** An API key that is not in the server's key file. */
  E_UNAUTHORIZED: 'validation',
  /** A path or method the server does not have. */
  E_NOT_FOUND: 'validation',
  /** Every worker is busy and the queue is full (or the wait in it ran out). */
  E_BUSY: 'concurrency',
  /** The work ran past the server's time limit and was stopped. */
  E_TIMEOUT: 'concurrency',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;
export type ErrorCategory = (typeof ErrorCodes)[ErrorCode];

export class WmError extends Error {
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WmError';
    this.code = code;
    this.category = ErrorCodes[code];
  }
}

/** Plain-object form that survives structured clone (comlink) and JSON (CLI). */
export interface SerializedError {
  code: ErrorCode;
  category: ErrorCategory;
  message: string;
}

export function isWmError(e: unknown): e is WmError {
  return e instanceof WmError;
}

export function toSerializedError(e: unknown): SerializedError {
  if (e instanceof WmError) return { code: e.code, category: e.category, message: e.message };
  if (isAbortError(e)) return { code: 'E_CANCELLED', category: 'cancelled', message: 'Cancelled.' };
  if (isSerializedError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'E_PROCESSING', category: 'processing', message };
}

export function fromSerializedError(e: SerializedError): WmError {
  return new WmError(e.code, e.message);
}

export function isSerializedError(e: unknown): e is SerializedError {
  return (
    typeof e === 'object' &&
    e !== null &&
    'code' in e &&
    typeof (e as { code: unknown }).code === 'string' &&
    (e as { code: string }).code in ErrorCodes &&
    'message' in e
  );
}

export function isAbortError(e: unknown): boolean {
  return (
    (e instanceof WmError && e.code === 'E_CANCELLED') ||
    (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError')
  );
}

/** Throws E_CANCELLED if the signal has fired. Call between tiles and stages. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new WmError('E_CANCELLED', 'Cancelled.');
}
