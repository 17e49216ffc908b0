import { defineConfig } from 'vitest/config';
import { shared } from '../../vitest.shared.js';

// Tests that check PyTorch reads our files start Python and import torch, which can take tens
// of seconds on a loaded 2-core machine; give them room (they finish in a few seconds alone).
export default defineConfig({ ...shared, test: { ...shared.test, testTimeout: 300_000 } });
