import { defineConfig } from 'vitest/config';
import { shared } from '../../vitest.shared.js';

/**
 * The suite runs twice, once per backend (test/use-backend.ts switches to the project's), so
 * both the pure-TypeScript and the WebAssembly SIMD kernels pass the same tests and fixtures.
 */
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    projects: (['js', 'wasm'] as const).map((backend) => ({
      extends: true,
      test: { name: backend, provide: { backend }, setupFiles: ['./test/use-backend.ts'] },
    })),
  },
});
