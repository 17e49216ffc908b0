import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  // Relative URLs, so the built page works from any folder or static host.
  base: './',
  // The workspace packages resolve to their TypeScript sources, as in the tests: no build first.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
});
