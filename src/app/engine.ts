/**
 * The engine as the app sees it: only the EngineClient interface
 * (engine-client.types.ts), whatever the implementation adds.
 */
import { getEngineClient } from './engine-client';
import type { EngineClient } from './engine-client.types';

export function engine(): EngineClient {
  return getEngineClient();
}
