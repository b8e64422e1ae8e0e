/**
 * ModelSource for Node: reads public/models/manifest.json and the model files
 * from disk. The bytes go through runtime/models.ts → runtime/verify.ts exactly
 * as in the browser, so size and sha256 are checked before any session exists.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WmError } from '../../engine/errors';
import type { ModelEntry } from '../../runtime/manifest';
import type { ModelSource } from '../../runtime/models';
import { DEFAULT_MODELS_DIR } from './paths';

export type ModelRole = ModelEntry['role'];

export interface FsModelSourceOptions {
  /** Folder with manifest.json; defaults to the repo's public/models/. */
  dir?: string;
  /**
   * Only offer models with these roles, so a command that never removes with a
   * model does not pay for loading the remover. Unset = all.
   */
  roles?: readonly ModelRole[];
}

export function fsModelSource(opts: FsModelSourceOptions = {}): ModelSource {
  const dir = opts.dir ?? DEFAULT_MODELS_DIR;
  return {
    async manifest() {
      const file = path.join(dir, 'manifest.json');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new WmError('E_MODEL_FETCH', `Could not read the model manifest ${file}: ${(e as Error).message}`, { cause: e });
      }
      const json: unknown = JSON.parse(text);
      // Filtering keeps the manifest's shape; parseManifest still validates every entry we keep.
      if (opts.roles && isManifestLike(json)) {
        const roles = opts.roles;
        return { ...json, models: json.models.filter((m) => isRecord(m) && roles.includes(m.role as ModelRole)) };
      }
      return json;
    },
    async bytes(entry: ModelEntry, onProgress) {
      // Manifest file names are relative; refuse anything that climbs out of the folder.
      const file = path.resolve(dir, entry.file);
      if (path.relative(dir, file).startsWith('..')) {
        throw new WmError('E_MANIFEST_INVALID', `Model file "${entry.file}" points outside ${dir}.`);
      }
      let buf: Buffer;
      try {
        buf = await readFile(file);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'E_MODEL_MISSING' : 'E_MODEL_FETCH';
        throw new WmError(code, `Could not read model ${entry.id} from ${file}: ${(e as Error).message}`, { cause: e });
      }
      onProgress(buf.byteLength, entry.bytes);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isManifestLike(v: unknown): v is { models: unknown[] } & Record<string, unknown> {
  return isRecord(v) && Array.isArray(v.models);
}
