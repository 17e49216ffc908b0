import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAYERS, checkLayer, importSpecifiers, manifestProblems, sourceProblems } from './layers.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

describe('the layer rule', () => {
  for (const layer of LAYERS) {
    it(`${layer} declares and imports only the layer below`, () => {
      expect(checkLayer(repoRoot, layer)).toEqual([]);
    });
  }
});

describe('the layer checker', () => {
  it('finds every kind of import', () => {
    const source = [
      "import { a } from '@torchlet/tensor';",
      "import type { B } from '@torchlet/nn';",
      "export * from '@torchlet/optim/dist/x.js';",
      "const m = await import('@torchlet/serialize');",
      "import '@torchlet/autograd';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['@torchlet/tensor', '@torchlet/nn', '@torchlet/optim/dist/x.js', '@torchlet/serialize', '@torchlet/autograd']);
  });

  it('flags a type-only import that skips a layer', () => {
    const problems = sourceProblems('nn', '/repo/packages/nn', 'src/a.ts', "import type { Tensor } from '@torchlet/tensor';");
    expect(problems).toEqual(['nn: src/a.ts imports @torchlet/tensor; nn may import only @torchlet/nn and @torchlet/autograd']);
  });

  it('flags an upward deep import and a relative path into another package', () => {
    expect(sourceProblems('tensor', '/repo/packages/tensor', 'src/a.ts', "import x from '@torchlet/autograd/src/tensor.js';")).toHaveLength(1);
    expect(sourceProblems('optim', '/repo/packages/optim', 'src/a.ts', "import x from '../../nn/src/module.js';")).toEqual([
      'optim: src/a.ts reaches outside its package with ../../nn/src/module.js',
    ]);
  });

  it('flags a manifest that declares another layer or misses the one below', () => {
    expect(manifestProblems('optim', { dependencies: { '@torchlet/nn': 'workspace:*', '@torchlet/tensor': 'workspace:*' } })).toEqual([
      'optim: package.json dependencies declares @torchlet/tensor; the layer rule allows only @torchlet/nn',
    ]);
    expect(manifestProblems('nn', { dependencies: {} })).toEqual(['nn: package.json dependencies must declare @torchlet/autograd, the layer below']);
    expect(manifestProblems('tensor', { devDependencies: { '@torchlet/nn': 'workspace:*' } })).toHaveLength(1);
  });
});
