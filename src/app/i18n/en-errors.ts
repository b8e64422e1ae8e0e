/**
 * Error codes the app can show, in words. In English the engine's own message
 * is shown (it is more precise); these are used where it is missing, and their
 * translations (fr-errors.ts) replace it in other languages. The code is always shown.
 */
export const enErrors = {
  E_EMPTY_FILE: 'The file is empty.',
  E_UNSUPPORTED_FORMAT: 'This file type is not supported. Use JPEG, PNG or WebP.',
  E_TRUNCATED: 'The file is cut short or damaged.',
  E_FILE_TOO_LARGE: 'The file is too large.',
  E_DIMENSIONS_TOO_LARGE: 'The image is too large in pixels.',
  E_DECODE_FAILED: 'The image could not be decoded.',
  E_MASK_MISMATCH: 'The mask does not match the image size.',
  E_BAD_OPTION: 'An option has a value that cannot be used.',
  E_MARK_TOO_FEW: 'Learning a mark needs at least two images that carry it.',
  E_MARK_SIZE_MISMATCH: 'The mark does not fit this image.',
  E_MARK_INVALID: 'This is not a valid mark file.',
  E_MARK_NOT_FOUND: 'No mark was found.',
  E_ANIMATED: 'Animated images are not supported; only still images are edited.',
  E_MEMORY_BUDGET: 'Opening this image would use too much memory. Close some images first.',
  E_MANIFEST_INVALID: 'The model list is damaged.',
  E_MODEL_FETCH: 'A model could not be downloaded.',
  E_MODEL_HASH_MISMATCH: 'A model file is damaged (its checksum does not match).',
  E_MODEL_SIZE_MISMATCH: 'A model file has the wrong size (incomplete download?).',
  E_MODEL_MISSING: 'A model is missing.',
  E_BACKEND_INIT: 'The inference engine could not start.',
  E_BACKEND_RUN: 'The inference engine failed while running.',
  E_WORKER_CRASHED: 'The engine stopped unexpectedly. Your image, mask and undo history are kept; run it again.',
  E_PROCESSING: 'Processing failed.',
  E_EMPTY_MASK: 'The mask is empty: mark the watermark first.',
  E_ENCODE_FAILED: 'The image could not be encoded.',
  E_DOC_MISSING: 'The engine no longer holds this image.',
  E_STORAGE: 'The browser’s storage failed.',
  E_STORAGE_FULL: 'The browser’s storage is full.',
} as const;
