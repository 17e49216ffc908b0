import { readFileSync } from 'node:fs';
import type { TensorRecord } from '@torchlet/autograd/testing';

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

/** Every ops.json case. */
export const opCases: readonly OpCase[] = fixture.cases;
