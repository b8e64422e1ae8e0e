/**
 * The one error shape of the API, `{"error": {"code": "E_…", "message": "…"}}`,
 * with the engine's codes (engine/errors.ts) and the HTTP status each one means.
 */
import { ErrorCodes, toSerializedError, type ErrorCode, type SerializedError } from '../engine/errors';

const STATUS: Partial<Record<ErrorCode, number>> = {
  E_EMPTY_FILE: 400,
  E_BAD_OPTION: 400,
  E_UNAUTHORIZED: 401,
  E_NOT_FOUND: 404,
  E_FILE_TOO_LARGE: 413,
  E_DIMENSIONS_TOO_LARGE: 413,
  E_MEMORY_BUDGET: 413,
  E_UNSUPPORTED_FORMAT: 415,
  E_TRUNCATED: 422,
  E_DECODE_FAILED: 422,
  E_ANIMATED: 422,
  E_MASK_MISMATCH: 422,
  E_EMPTY_MASK: 422,
  E_RATE_LIMITED: 429,
  // The client went away; nobody reads this status, but the log does (nginx's "client closed request").
  E_CANCELLED: 499,
  E_BUSY: 503,
  E_TIMEOUT: 504,
};

/** Models that cannot load make the service unavailable, not the request wrong. */
const BY_CATEGORY: Record<SerializedError['category'], number> = {
  validation: 400,
  model: 503,
  backend: 500,
  processing: 500,
  cancelled: 499,
  'rate-limit': 429,
  concurrency: 503,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? BY_CATEGORY[ErrorCodes[code]];
}

/**
 * fastify and @fastify/multipart errors that a client causes, in the engine's
 * codes: a body that is not multipart, too many parts, a file over the limit.
 */
const FRAMEWORK: Record<string, ErrorCode> = {
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'E_UNSUPPORTED_FORMAT',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'E_UNSUPPORTED_FORMAT',
  FST_REQ_FILE_TOO_LARGE: 'E_FILE_TOO_LARGE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'E_FILE_TOO_LARGE',
  FST_PARTS_LIMIT: 'E_BAD_OPTION',
  FST_FILES_LIMIT: 'E_BAD_OPTION',
  FST_FIELDS_LIMIT: 'E_BAD_OPTION',
  FST_PROTO_VIOLATION: 'E_BAD_OPTION',
  FST_MP_PREMATURE_CLOSE: 'E_BAD_OPTION',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'E_BAD_OPTION',
};

const FRAMEWORK_MESSAGE: Partial<Record<ErrorCode, string>> = {
  E_UNSUPPORTED_FORMAT: 'Send the image as multipart/form-data, in a field named "image".',
};

export function toApiError(e: unknown): SerializedError {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? FRAMEWORK[e.code] : undefined;
  if (code) return { code, category: ErrorCodes[code], message: FRAMEWORK_MESSAGE[code] ?? (e as Error).message };
  return toSerializedError(e);
}

export const errorBody = (e: Pick<SerializedError, 'code' | 'message'>) => ({ error: { code: e.code, message: e.message } });
