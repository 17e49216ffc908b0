import { manualSeed } from '@torchlet/optim';
import { fitLinear, TRUE_BIAS, TRUE_WEIGHTS } from './linear-regression.js';

manualSeed(0);
const { weights, bias } = fitLinear({ log: (line) => console.log(line) });
const show = (values: number[]): string => values.map((v) => v.toFixed(4)).join(', ');
console.log(`learned: w = [${show(weights)}], b = ${bias.toFixed(4)}`);
console.log(`truth:   w = [${show(TRUE_WEIGHTS)}], b = ${TRUE_BIAS.toFixed(4)}`);
