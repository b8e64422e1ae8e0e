/**
 * Opening an IndexedDB database, once per name: the saved marks and the saved
 * session share it. A failed open is not kept (private mode may end, another
 * tab may close), so the next call tries again.
 */
const opening = new Map<string, Promise<IDBDatabase>>();

export function openDatabase(name: string, version: number, upgrade: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  let p = opening.get(name);
  if (!p) {
    p = new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name, version);
      req.onupgradeneeded = () => upgrade(req.result);
      req.onsuccess = () => {
        const db = req.result;
        // Another tab opens a newer version (an updated app): let it upgrade; this tab opens again on its next call.
        db.onversionchange = () => {
          db.close();
          if (opening.get(name) === p) opening.delete(name);
        };
        resolve(db);
      };
      req.onerror = () => reject(req.error ?? new Error('IndexedDB is not available'));
      req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
    });
    opening.set(name, p);
    p.catch(() => opening.delete(name));
  }
  return p;
}
