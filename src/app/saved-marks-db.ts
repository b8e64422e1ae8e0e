/**
 * The user's saved marks in IndexedDB (raw API, one object store): the mark PNG
 * (RGB = W, A = α) as a Blob and its JSON sidecar. Nothing leaves the device.
 */
import type { MarkSidecar } from '../worker/mark-protocol';
import { openDatabase } from './idb';

export interface SavedMarkRecord {
  id: string;
  name: string;
  created: number;
  png: Blob;
  sidecar: MarkSidecar;
}

const DB_NAME = 'unmark-marks';
const STORE = 'marks';

function openDb(): Promise<IDBDatabase> {
  return openDatabase(DB_NAME, 1, (db) => {
    if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'id' });
  });
}

async function run<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = op(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error ?? req.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export async function listSavedMarks(): Promise<SavedMarkRecord[]> {
  const all = await run<SavedMarkRecord[]>('readonly', (s) => s.getAll() as IDBRequest<SavedMarkRecord[]>);
  return all.sort((a, b) => a.created - b.created);
}

export function getSavedMark(id: string): Promise<SavedMarkRecord | undefined> {
  return run<SavedMarkRecord | undefined>('readonly', (s) => s.get(id) as IDBRequest<SavedMarkRecord | undefined>);
}

export async function putSavedMark(record: SavedMarkRecord): Promise<void> {
  await run('readwrite', (s) => s.put(record));
}

export async function deleteSavedMark(id: string): Promise<void> {
  await run('readwrite', (s) => s.delete(id));
}
