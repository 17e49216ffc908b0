// Setup file of each vitest project (see vitest.config.ts): every test runs on the project's backend.
import { inject } from 'vitest';
import { type BackendName, useBackend } from '../src/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    backend: BackendName;
  }
}

useBackend(inject('backend'));
