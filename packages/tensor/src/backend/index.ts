import type { Backend } from './backend.js';
import { jsBackend } from './js-backend.js';

export type { Backend, GemmArgs } from './backend.js';
export { jsBackend } from './js-backend.js';

let current: Backend = jsBackend;

/** The backend that tensor ops use now. */
export function getBackend(): Backend {
  return current;
}

/** Switches every later op to `backend` (e.g. back to `jsBackend`). */
export function setBackend(backend: Backend): void {
  current = backend;
}
