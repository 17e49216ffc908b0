import { readFileSync } from 'node:fs';
import { assertClose, fromRecord, type OpCase } from '@torchlet/tensor/testing';
import { expect } from 'vitest';
import * as A from '../src/index.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ops.json', import.meta.url), 'utf8')) as { cases: OpCase[] };

/** Every ops.json case. */
export const opCases: readonly OpCase[] = fixture.cases;

/** Runs the ops.json case `call`: its output, and the gradients of sum(output · R). */
export function expectFixture(call: string, run: (inputs: Record<string, A.Tensor>) => A.Tensor): void {
  const testCase = opCases.find((c) => c.call === call);
  expect(testCase, call).toBeDefined();
  const inputs = Object.fromEntries(
    Object.entries(testCase!.inputs).map(([name, record]) => [name, A.fromRaw(fromRecord(record), { requiresGrad: name in testCase!.grads })]),
  );
  const out = run(inputs);
  assertClose(out, testCase!.output);
  out.mul(A.fromRaw(fromRecord(testCase!.R))).sum().backward();
  for (const [name, expected] of Object.entries(testCase!.grads)) assertClose(inputs[name]!.grad!, expected);
}
