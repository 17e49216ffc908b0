import { readFileSync } from 'node:fs';
import type { OpCase } from '@torchlet/autograd/testing';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ops.json', import.meta.url), 'utf8')) as { cases: OpCase[] };

/** Every ops.json case. */
export const opCases: readonly OpCase[] = fixture.cases;
