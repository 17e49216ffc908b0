import { manualSeed } from '@torchlet/nn';
import { train } from './two-moons.js';

manualSeed(0);
const result = train({ log: (line) => console.log(line) });
console.log(`held-out accuracy: ${(result.testAccuracy * 100).toFixed(1)}%`);
