import { fileURLToPath } from 'node:url';
import { runInterop } from './interop.js';

await runInterop({ outDir: fileURLToPath(new URL('../runs/', import.meta.url)), log: (line) => console.log(line) });
console.log('load them in PyTorch as README.md shows');
