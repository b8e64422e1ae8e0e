import { WmError } from '../engine/errors';
import { ManifestSchema, type Manifest, type ModelEntry } from './manifest';

export function parseManifest(json: unknown): Manifest {
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new WmError(
      'E_MANIFEST_INVALID',
      `The model manifest is invalid at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'unknown error'}.`,
    );
  }
  const ids = new Set<string>();
  for (const m of parsed.data.models) {
    if (ids.has(m.id)) throw new WmError('E_MANIFEST_INVALID', `The model manifest lists "${m.id}" twice.`);
    ids.add(m.id);
  }
  return parsed.data;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Size, then sha256: a model that does not match its manifest is never run. */
export async function verifyModelBytes(entry: ModelEntry, bytes: Uint8Array): Promise<void> {
  if (bytes.byteLength !== entry.bytes) {
    throw new WmError(
      'E_MODEL_SIZE_MISMATCH',
      `Model ${entry.id} (${entry.file}) is ${bytes.byteLength} bytes; the manifest says ${entry.bytes}. ` +
        'The download is incomplete or the file was replaced.',
    );
  }
  const hash = await sha256Hex(bytes);
  if (hash !== entry.sha256) {
    throw new WmError(
      'E_MODEL_HASH_MISMATCH',
      `Model ${entry.id} (${entry.file}) has sha256 ${hash.slice(0, 12)}…, but the manifest says ${entry.sha256.slice(0, 12)}…. It will not be used.`,
    );
  }
}
