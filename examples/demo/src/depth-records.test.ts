import { expect, it } from 'vitest';
import { DEPTH_PLAN, type DepthRecord, depthConfigurations, FULL_DEPTH_PLAN, mergeDepthRecords } from './depth-records.js';

const record = (id: string, depth: number, scheme: DepthRecord['scheme'], residual: boolean, testAccuracy: number): DepthRecord => ({
  id,
  depth,
  scheme,
  residual,
  testAccuracy,
  steps: 10,
  backend: 'wasm',
  seconds: 1,
  width: 8,
  optimizer: 'adam',
  learningRate: 1e-3,
  batchSize: 8,
  finalLoss: 1,
  losses: [],
  accuracies: [],
  jacobian: { meanSquaredSingularValue: 1, squaredSingularValueVariance: 0 },
});

it('mergeDepthRecords: a fresh record replaces the earlier one with its id, the others stay, in report order', () => {
  const earlier = [
    record('residual-fixup-1000', 1000, 'fixup', true, 0.5),
    record('plain-critical-200', 200, 'critical', false, 0.9),
    record('residual-reZero-100', 100, 'reZero', true, 0.95),
  ];
  const fresh = [record('residual-fixup-1000', 1000, 'fixup', true, 0.93), record('plain-default-200', 200, 'default', false, 0.1)];
  const merged = mergeDepthRecords(earlier, fresh);
  expect(merged.map((entry) => entry.id)).toEqual(['plain-critical-200', 'plain-default-200', 'residual-reZero-100', 'residual-fixup-1000']);
  expect(merged.find((entry) => entry.id === 'residual-fixup-1000')!.testAccuracy).toBe(0.93);
});

it('the default plan stays within its budget; --full adds the 1000-layer runs (residual: width 32, 400 steps, where ReZero passed 90 %)', () => {
  // plain 200: 500 steps of cosine-decayed momentum SGD (90.9 %; 89.3 % after 300), the default-init control on the same budget
  const ids = (plan: typeof DEPTH_PLAN) =>
    depthConfigurations(plan).map((configuration) => `${configuration.id}×${configuration.steps}${configuration.width === 64 ? '' : ` w${configuration.width}`}`);
  expect(ids(DEPTH_PLAN)).toEqual([
    'plain-critical-50×300', 'plain-default-50×300', 'plain-critical-200×500', 'plain-default-200×500',
    'residual-reZero-100×300', 'residual-skipInit-100×300', 'residual-fixup-100×300', 'residual-deepNorm-100×300',
  ]);
  const full = ids(FULL_DEPTH_PLAN);
  expect(full).toEqual(expect.arrayContaining(['plain-critical-1000×500', 'residual-reZero-1000×400 w32', 'residual-deepNorm-1000×400 w32']));
  expect(full).toHaveLength(14);
  const schedules = new Set(depthConfigurations(FULL_DEPTH_PLAN).map((configuration) => `${configuration.residual ? 'residual' : 'plain'} ${configuration.schedule}`));
  expect([...schedules]).toEqual(['plain cosine', 'residual constant']);
});
