import { tour } from './tour.js';

for (const step of tour()) {
  console.log(`\n# ${step.title}`);
  for (const line of step.lines) console.log(line);
}
console.log('\nThis is @torchlet/tensor on its own. See README.md for what comes next.');
