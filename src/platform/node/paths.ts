/** Filesystem locations the Node tools need, resolved from this file so they work from any cwd. */
import { fileURLToPath } from 'node:url';

/** The repository root (this file is src/platform/node/paths.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The folder holding manifest.json and the .onnx files, the same one the web app serves. */
export const DEFAULT_MODELS_DIR = fileURLToPath(new URL('../../../public/models/', import.meta.url));
