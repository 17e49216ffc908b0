import { readFileSync } from 'node:fs';
import type { OpCase } from '../src/testing.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ops.json', import.meta.url), 'utf8')) as { cases: OpCase[] };

/** The ops.json case whose `call` is exactly `call` (the n-th one when calls repeat). */
export function opCase(call: string, nth = 0): OpCase {
  const found = fixture.cases.filter((c) => c.call === call)[nth];
  if (!found) throw new Error(`no ops.json case with call ${call}`);
  return found;
}

/** Every ops.json case. */
export const opCases: readonly OpCase[] = fixture.cases;
