import { manualSeed } from '@torchlet/optim';
import { generate, loadCorpus, train } from './char-rnn.js';

manualSeed(0);
const text = loadCorpus();
const started = performance.now();
const { model, vocabulary, losses } = train(text, { log: (line) => console.log(line) });
const seconds = (performance.now() - started) / 1000;
console.log(`${vocabulary.size} characters, ${text.length} in the text; loss ${losses[0]!.toFixed(3)} → ${losses[losses.length - 1]!.toFixed(3)} in ${seconds.toFixed(1)} s\n`);
console.log(`Shall${generate(model, vocabulary, { prompt: 'Shall', length: 400, seed: 0 })}`);
