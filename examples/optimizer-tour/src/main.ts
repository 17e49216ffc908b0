import { tour } from './tour.js';

for (const step of tour()) {
  console.log(`\n# ${step.title}`);
  for (const line of step.lines) console.log(line);
}
