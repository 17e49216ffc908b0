import { INPUTS, train } from './xor.js';

const result = train({ log: (line) => console.log(line) });
console.log(`solved after ${result.epochs} updates (loss ${result.losses[0]!.toFixed(4)} → ${result.losses[result.losses.length - 1]!.toFixed(4)})`);
INPUTS.forEach(([a, b], i) => console.log(`${a} xor ${b} → ${result.predictions[i]}  (p = ${result.probabilities[i]!.toFixed(4)})`));
