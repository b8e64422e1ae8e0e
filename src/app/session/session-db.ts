/**
 * The working session in IndexedDB (raw API, as saved-marks-db.ts), so a reload
 * loses nothing: each image's file, its mask (deflated in the worker, mask-codec.ts)
 * and the undo history that ends on it (journal-codec.ts), its result (the
 * download PNG) and its small state (with its place in the queue), plus a manifest with the
 * order of the strip. One image's records and the manifest are written in one
 * transaction: a write that fails (QuotaExceededError) leaves the previous
 * session whole, never half of a new one. Nothing leaves the device.
 */
import type { Backend, RemovalMethod } from '../../worker/protocol';
import type { ImageFormat } from '../../engine/types';
import type { RegionMethodRecord } from '../../worker/mark-protocol';
import type { DocJob } from '../batch/queue';
import type { PackedMask } from './mask-codec';
import type { JournalRecord } from './journal-codec';
import { openDatabase } from '../idb';

export interface ImageRecord {
  key: string;
  name: string;
  ext: string;
  file: Blob;
}

export interface MaskRecord extends PackedMask {
  key: string;
}

export interface ResultRecord {
  key: string;
  png: Blob;
  method: RemovalMethod;
  tiles: number;
  ms: number;
  backend: Backend | 'cpu';
  regions?: RegionMethodRecord[];
  marksUsed?: boolean;
}

export interface StateRecord {
  key: string;
  job: DocJob;
  threshold: number;
  showOverlay: boolean;
  format: ImageFormat;
  /** The result was made from the mask saved beside it (not out of date). Here, so a stroke does not rewrite the result. */
  resultCurrent: boolean;
}

export interface Manifest {
  order: string[];
  activeKey: string | null;
}

const DB_NAME = 'unmark-session';
/** Version 2 added `journals` (each mask's undo history); a version 1 session opens with none. */
const DB_VERSION = 2;
const STORES = ['images', 'masks', 'journals', 'results', 'state', 'manifest'] as const;
/** The stores keyed by an image's key. */
const DOC_STORES = ['images', 'masks', 'journals', 'results', 'state'] as const;
type StoreName = (typeof STORES)[number];
const MANIFEST_KEY = 'session';

function openDb(): Promise<IDBDatabase> {
  return openDatabase(DB_NAME, DB_VERSION, (db) => {
    for (const name of STORES) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, name === 'manifest' ? undefined : { keyPath: 'key' });
  });
}

/** One transaction over the stores; resolves when it commits, rejects (nothing written) when it aborts. */
async function transact(mode: IDBTransactionMode, stores: readonly StoreName[], work: (tx: IDBTransaction) => void): Promise<void> {
  const db = await openDb();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(stores, mode);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    try {
      work(tx);
    } catch (e) {
      tx.abort();
      reject(e);
    }
  });
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export function isQuotaError(e: unknown): boolean {
  const name = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
  return name === 'QuotaExceededError';
}

export interface DocWrite {
  key: string;
  /** Only the first time: the file does not change. */
  image?: ImageRecord;
  mask?: MaskRecord;
  /** With `mask`, always: the undo history that ends on it; null deletes it (none, or too large to keep). */
  journal?: JournalRecord | null;
  /** null deletes a result that no longer exists. */
  result?: ResultRecord | null;
  state: StateRecord;
}

/** Writes one image's records and the manifest together. */
export function writeDoc(write: DocWrite, manifest: Manifest): Promise<void> {
  return transact('readwrite', STORES, (tx) => {
    if (write.image) tx.objectStore('images').put(write.image);
    if (write.mask) tx.objectStore('masks').put(write.mask);
    if (write.journal === null) tx.objectStore('journals').delete(write.key);
    else if (write.journal) tx.objectStore('journals').put(write.journal);
    if (write.result === null) tx.objectStore('results').delete(write.key);
    else if (write.result) tx.objectStore('results').put(write.result);
    tx.objectStore('state').put(write.state);
    tx.objectStore('manifest').put(manifest, MANIFEST_KEY);
  });
}

/**
 * The result PNG as stored: a Blob that IndexedDB backs with a file, so holding
 * it costs no memory, where the worker's encode lives in memory until dropped.
 */
export async function readResultPng(key: string): Promise<Blob | null> {
  const db = await openDb();
  const tx = db.transaction(['results'], 'readonly');
  const rec = (await request(tx.objectStore('results').get(key))) as ResultRecord | undefined;
  return rec?.png ?? null;
}

/** Drops images from the session (closed) and writes the manifest, in one transaction. */
export function deleteDocs(keys: readonly string[], manifest: Manifest): Promise<void> {
  return transact('readwrite', STORES, (tx) => {
    for (const key of keys) for (const name of DOC_STORES) tx.objectStore(name).delete(key);
    tx.objectStore('manifest').put(manifest, MANIFEST_KEY);
  });
}

export function writeManifest(manifest: Manifest): Promise<void> {
  return transact('readwrite', ['manifest'], (tx) => {
    tx.objectStore('manifest').put(manifest, MANIFEST_KEY);
  });
}

export function clearAll(): Promise<void> {
  return transact('readwrite', STORES, (tx) => {
    for (const name of STORES) tx.objectStore(name).clear();
  });
}

export interface SavedDoc {
  image: ImageRecord;
  mask: MaskRecord | undefined;
  /** Read as stored: journal-codec.ts checks it (a session saved before journals has none). */
  journal: unknown;
  result: ResultRecord | undefined;
  state: StateRecord | undefined;
}

/** The saved session in strip order: only images the manifest lists and whose file is stored. */
export async function readSession(): Promise<{ manifest: Manifest; docs: SavedDoc[] } | null> {
  const db = await openDb();
  const tx = db.transaction(STORES, 'readonly');
  const manifest = (await request(tx.objectStore('manifest').get(MANIFEST_KEY))) as Manifest | undefined;
  if (!manifest || manifest.order.length === 0) return null;
  const docs: SavedDoc[] = [];
  for (const key of manifest.order) {
    const [image, mask, journal, result, state] = await Promise.all([
      request(tx.objectStore('images').get(key)) as Promise<ImageRecord | undefined>,
      request(tx.objectStore('masks').get(key)) as Promise<MaskRecord | undefined>,
      request(tx.objectStore('journals').get(key)) as Promise<unknown>,
      request(tx.objectStore('results').get(key)) as Promise<ResultRecord | undefined>,
      request(tx.objectStore('state').get(key)) as Promise<StateRecord | undefined>,
    ]);
    if (image) docs.push({ image, mask, journal, result, state });
  }
  return { manifest, docs };
}
