import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as optim from '../src/index.js';
import { type LRScheduler, type Optimizer, Parameter, SGD, zeros } from '../src/index.js';

/** One case of lr_scheduler.json: a scheduler on SGD over one parameter, its lr and momentum after each step. */
interface SchedulerCase {
  scheduler: { name: string } & Record<string, unknown>;
  optimizer: { name: 'SGD'; lr: number; momentum: number };
  lr: number[];
  momentum: number[];
  epochs: number;
  metrics?: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/lr_scheduler.json', import.meta.url), 'utf8')) as { torch: string; cases: SchedulerCase[] };

/** `T_max` → `tMax`, `step_size_up` → `stepSizeUp`: PyTorch's argument names as torchlet options. */
function optionName(key: string): string {
  return key.replace(/^T_/, 't_').replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The fixture's `lr_lambda` descriptions, as the functions gen_fixtures.py passed. */
function lrLambda(spec: Record<string, unknown>): (epoch: number) => number {
  if (spec['kind'] === 'pow') return (epoch) => (spec['base'] as number) ** epoch;
  if (spec['kind'] === 'const') return () => spec['value'] as number;
  throw new Error(`unknown lr_lambda kind ${String(spec['kind'])}`);
}

/** Builds the scheduler a case describes (nested ones for SequentialLR and ChainedScheduler). */
function build(spec: { name: string } & Record<string, unknown>, optimizer: Optimizer): LRScheduler {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'name') continue;
    if (key === 'lr_lambda') options['lrLambda'] = lrLambda(value as Record<string, unknown>);
    else if (key === 'schedulers') options['schedulers'] = (value as ({ name: string } & Record<string, unknown>)[]).map((s) => build(s, optimizer));
    else options[optionName(key)] = value;
  }
  if (spec.name === 'ChainedScheduler') return new optim.ChainedScheduler(options['schedulers'] as LRScheduler[], optimizer);
  const Class = (optim as unknown as Record<string, new (o: Optimizer, options: unknown) => LRScheduler>)[spec.name];
  expect(Class, `${spec.name} is exported`).toBeDefined();
  return new Class!(optimizer, options);
}

function expectRelativelyClose(actual: number[], expected: number[], label: string): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  expected.forEach((e, i) => {
    const error = Math.abs(actual[i]! - e) / Math.max(Math.abs(e), 1e-300);
    expect(error, `${label}[${i}]: got ${actual[i]}, PyTorch ${e}`).toBeLessThanOrEqual(1e-9);
  });
}

describe(`lr_scheduler.json (PyTorch ${fixture.torch})`, () => {
  for (const c of fixture.cases) {
    it(`${c.scheduler.name}(${JSON.stringify(c.scheduler)}) matches PyTorch's lr and momentum`, () => {
      const p = new Parameter(zeros([2]));
      const optimizer = new SGD([p], { lr: c.optimizer.lr, momentum: c.optimizer.momentum });
      const scheduler = build(c.scheduler, optimizer);
      const lrs = [optimizer.paramGroups[0]!.lr];
      const momenta = [optimizer.paramGroups[0]!.momentum];
      for (let epoch = 0; epoch < c.epochs; epoch++) {
        p.grad = zeros([2]);
        optimizer.step();
        if (c.metrics !== undefined) scheduler.step(c.metrics[epoch]);
        else scheduler.step();
        lrs.push(optimizer.paramGroups[0]!.lr);
        momenta.push(optimizer.paramGroups[0]!.momentum);
      }
      expectRelativelyClose(lrs, c.lr, 'lr');
      expectRelativelyClose(momenta, c.momentum, 'momentum');
    });
  }
});
