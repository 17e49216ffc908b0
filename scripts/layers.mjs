// The layer rule, checked by scripts/layers.test.ts and by each package's lint: every package
// declares exactly one workspace dependency, the layer directly below it, and its code imports
// nothing else from torchlet (type-only imports, re-exports, dynamic imports and deep imports
// into another package's files included).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The layers, bottom first. */
export const LAYERS = ['tensor', 'autograd', 'nn', 'optim', 'serialize'];

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

/** Every module specifier in a source text: static, type-only, re-export, dynamic and require. */
export function importSpecifiers(source) {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1]);
}

/** Problems with one package's manifest: a list of messages, empty when it keeps the rule. */
export function manifestProblems(layer, manifest) {
  const index = LAYERS.indexOf(layer);
  const allowed = index > 0 ? [`@torchlet/${LAYERS[index - 1]}`] : [];
  const problems = [];
  for (const field of ['dependencies', 'peerDependencies', 'devDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(manifest[field] ?? {})) {
      if (name.startsWith('@torchlet/') && !allowed.includes(name)) {
        problems.push(`${layer}: package.json ${field} declares ${name}; the layer rule allows only ${allowed.join(', ') || 'no torchlet package'}`);
      }
    }
  }
  const declared = Object.keys(manifest.dependencies ?? {}).filter((n) => n.startsWith('@torchlet/'));
  if (allowed.length > 0 && !declared.includes(allowed[0])) {
    problems.push(`${layer}: package.json dependencies must declare ${allowed[0]}, the layer below`);
  }
  return problems;
}

/** Problems with one source file of `layer` at `file` (inside `packageDir`). */
export function sourceProblems(layer, packageDir, file, source) {
  const index = LAYERS.indexOf(layer);
  const allowed = new Set([`@torchlet/${layer}`, ...(index > 0 ? [`@torchlet/${LAYERS[index - 1]}`] : [])]);
  const problems = [];
  for (const specifier of importSpecifiers(source)) {
    if (specifier.startsWith('@torchlet/')) {
      const name = specifier.split('/').slice(0, 2).join('/');
      if (!allowed.has(name)) problems.push(`${layer}: ${file} imports ${specifier}; ${layer} may import only ${[...allowed].join(' and ')}`);
    } else if (specifier.startsWith('.')) {
      const target = resolve(dirname(join(packageDir, file)), specifier);
      const inside = relative(packageDir, target);
      if (inside.startsWith('..') || inside.startsWith(sep)) {
        problems.push(`${layer}: ${file} reaches outside its package with ${specifier}`);
      }
    }
  }
  return problems;
}

function sourceFiles(dir, root = dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path, root));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry)) out.push(relative(root, path));
  }
  return out;
}

/** Checks one layer's package on disk. */
export function checkLayer(repoRoot, layer) {
  const packageDir = join(repoRoot, 'packages', layer);
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const problems = manifestProblems(layer, manifest);
  const roots = ['src', 'test'].map((d) => join(packageDir, d)).filter((d) => existsSync(d));
  for (const file of roots.flatMap((d) => sourceFiles(d, packageDir))) {
    problems.push(...sourceProblems(layer, packageDir, file, readFileSync(join(packageDir, file), 'utf8')));
  }
  return problems;
}
