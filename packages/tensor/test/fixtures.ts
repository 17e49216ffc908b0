import { readFileSync } from 'node:fs';
import type { TensorRecord } from '../src/testing.js';

/** One case of ops.json: a PyTorch call, its inputs, output, and gradients of sum(output · R). */
export interface OpCase {
  op: string;
  call: string;
  inputs: Record<string, TensorRecord>;
  output: TensorRecord;
  R: TensorRecord;
  grads: Record<string, TensorRecord>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ops.json', import.meta.url), 'utf8')) as { cases: OpCase[] };

/** The ops.json case whose `call` is exactly `call` (the n-th one when calls repeat). */
export function opCase(call: string, nth = 0): OpCase {
  const found = fixture.cases.filter((c) => c.call === call)[nth];
  if (!found) throw new Error(`no ops.json case with call ${call}`);
  return found;
}

/** Every ops.json case. */
export const opCases: readonly OpCase[] = fixture.cases;
