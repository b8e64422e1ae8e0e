// Validates public/models/manifest.json against the runtime's zod schema and checks bytes/sha256.
//   node_modules/.bin/tsx training/check_manifest.ts
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ManifestSchema } from '../src/runtime/manifest';

const dir = new URL('../public/models/', import.meta.url);
const manifest = ManifestSchema.parse(JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')));
for (const m of manifest.models) {
  const blob = readFileSync(new URL(m.file, dir));
  const sha = createHash('sha256').update(blob).digest('hex');
  if (blob.byteLength !== m.bytes || sha !== m.sha256) throw new Error(`${m.id}: bytes/sha256 mismatch`);
  console.log(`${m.id}: ok (${m.bytes} B)`);
}
