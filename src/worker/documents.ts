/**
 * The worker's documents by id. A lookup of an id the worker does not hold
 * (a restarted worker, a closed image) throws E_DOC_MISSING, which the
 * engine client answers by decoding the file again (app/engine-client.ts).
 */
import { WmError } from '../engine/errors';

export function requireDoc<D>(docs: ReadonlyMap<string, D>, docId: string): D {
  const doc = docs.get(docId);
  if (!doc) throw new WmError('E_DOC_MISSING', `The engine no longer holds image ${docId}; open it again.`);
  return doc;
}
