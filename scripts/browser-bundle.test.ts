import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { LAYERS } from './layers.mjs';

const root = join(import.meta.dirname, '..');

/** Export subpaths that are Node-only by design: each is documented in docs/browser.md. */
const NODE_ONLY_EXPORTS: Readonly<Record<string, readonly string[]>> = { serialize: ['./node'] };

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** A Node built-in reached from the bundle: what was imported, and by which file. */
interface BuiltinImport {
  specifier: string;
  importer: string;
}

/**
 * Bundles `entry` for the browser as the package's users would (`platform: 'browser'`, the
 * workspace packages resolved to their TypeScript sources) and returns every Node built-in the
 * bundle reaches. esbuild would only warn, or shim some of them; the plugin sees each import
 * before that happens and marks it external, so one bundle lists them all.
 */
async function nodeBuiltinsReachedFrom(entry: string): Promise<BuiltinImport[]> {
  const found: BuiltinImport[] = [];
  const detector: Plugin = {
    name: 'node-builtins',
    setup(plugin) {
      plugin.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/\/.*$/, '').replace(/^(node:[^/]+).*$/, '$1');
        if (!BUILTINS.has(args.path) && !BUILTINS.has(bare)) return undefined;
        found.push({ specifier: args.path, importer: args.importer.replace(`${root}/`, '') });
        return { path: args.path, external: true };
      });
    },
  };
  await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    logLevel: 'silent',
    plugins: [detector],
  });
  return found;
}

/** Each layer's browser entry points: every export subpath except package.json and the Node-only ones. */
function browserEntries(layer: string): { subpath: string; file: string }[] {
  const directory = join(root, 'packages', layer);
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { exports: Record<string, { source?: string } | string> };
  return Object.entries(manifest.exports)
    .filter(([subpath]) => subpath !== './package.json' && !(NODE_ONLY_EXPORTS[layer] ?? []).includes(subpath))
    .map(([subpath, target]) => ({ subpath, file: join(directory, typeof target === 'string' ? target : (target.source ?? '')) }));
}

describe('browser bundles', () => {
  it('covers every package under packages/', () => {
    expect(readdirSync(join(root, 'packages')).sort()).toEqual([...LAYERS].sort());
  });

  for (const layer of LAYERS) {
    it(`bundles @torchlet/${layer} for the browser without Node built-ins`, async () => {
      const problems: string[] = [];
      for (const { subpath, file } of browserEntries(layer)) {
        const name = subpath === '.' ? `@torchlet/${layer}` : `@torchlet/${layer}/${subpath.slice(2)}`;
        for (const { specifier, importer } of await nodeBuiltinsReachedFrom(file)) {
          problems.push(`${name} pulls in the Node built-in '${specifier}' (imported by ${importer})`);
        }
      }
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }

  it('detects a Node built-in, naming the import and the file (checked on @torchlet/serialize/node)', async () => {
    const found = await nodeBuiltinsReachedFrom(join(root, 'packages/serialize/src/node.ts'));
    expect(found).toContainEqual({ specifier: 'node:fs/promises', importer: 'packages/serialize/src/node.ts' });
    expect(found.map((f) => f.specifier)).toEqual(expect.arrayContaining(['node:crypto', 'node:path']));
  });
});
