import { defineConfig, mergeConfig } from 'vitest/config';
import { shared } from '../../vitest.shared.js';

// test/memory.test.ts reads the heap after global.gc(), which Node exposes only with --expose-gc.
export default defineConfig(mergeConfig(shared, { test: { pool: 'forks', execArgv: ['--expose-gc'] } }));
