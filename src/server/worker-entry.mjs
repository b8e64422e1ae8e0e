// Worker threads start from plain JavaScript; this registers tsx (as bin/unmark.mjs
// does for the CLI) so the TypeScript worker runs from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
