#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx unmark …` works from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
// ORT's WASM thread pool can keep the event loop alive; the batch is over.
process.exit(code);
