// Project lint, run in each package by `turbo run lint`: the layer rule, plus the habits
// CONVENTIONS.md asks for that a type checker cannot see.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { LAYERS, checkLayer } from './layers.mjs';

const packageDir = process.cwd();
const layer = basename(packageDir);
const library = LAYERS.includes(layer);
const problems = LAYERS.includes(layer) ? checkLayer(join(packageDir, '../..'), layer) : [];

function walk(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

for (const path of walk(packageDir).filter((p) => p.endsWith('.ts'))) {
  const file = relative(packageDir, path);
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    if (/\b(it|test|describe)\.(only|skip)\(/.test(line)) problems.push(`${at}: focused or skipped test`);
    if (!file.includes('test') && /throw new Error\(/.test(line)) problems.push(`${at}: throw a typed torchlet error, not Error`);
    if (library && /\bconsole\.log\(/.test(line) && file.startsWith('src/') && !file.includes('test')) problems.push(`${at}: console.log in library code`);
  });
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`lint: ${layer} clean`);
