import type { ViteUserConfig } from 'vitest/config';

/**
 * Test settings shared by every package: tests resolve `@torchlet/*` to TypeScript sources
 * (the `source` export condition), so `pnpm test` needs no build step.
 */
export const shared: ViteUserConfig = {
  resolve: { conditions: ['source'] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
};
