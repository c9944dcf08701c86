import { countKernelLaunches, describeBackends, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { reluMlp } from '../src/models.js';
import { bare, eachPluginAlone, fullStackEvery1, fullStackEvery10, type OptimizerVariant } from '../src/stack-variants.js';

// Kernel launches per training step, counted (deterministic, unlike time on a shared machine):
// what the plugin stack adds to the bare Adam step may grow with the number of parameters P only
// by the few passes it needs (the fused scaling of each gradient, the skip's select per variable,
// the unit sums), plus a constant for the small kernels on [P]-sized vectors. A change that makes a
// plugin launch kernels per parameter again fails here. On WebGPU the GPU dispatches are counted
// too: there each launch costs about a millisecond on a software adapter.
const DEPTHS = [2, 6] as const;
const paramsAt = (depth: number) => 2 * (depth + 1);
const STEPS = 10;

/**
 * Budgets of extra launches per step over the bare step: growth per parameter, and the rest (the
 * small kernels on [P]-sized vectors). Measured values at the time of writing, with some headroom:
 * the kernels the tfjs engine runs (cpu and wasm run the same; on WebGPU core's own kernels replace
 * many), and on WebGPU the GPU dispatches. Core's kernels take as many tensors per dispatch as the
 * device's storage buffers allow: with lavapipe's 16 (what `@gs/backends` asks for) all 14
 * parameters fit in one, so the dispatches show no growth per parameter and a larger constant
 * than with WebGPU's default 8.
 */
// On cpu and wasm the unit sums take a few small kernels per parameter (a reshape, a square, a
// ones·x² product): there an engine kernel costs microseconds and a pass over the values much more,
// so they are not stacked into one tensor first (a copy of every value).
const BUDGETS: Record<string, { perParameter: number; constant: number }> = {
  'full stack, report every step': { perParameter: 24, constant: 220 },
  'full stack, report every 10': { perParameter: 16, constant: 120 },
  "nonFinite({policy: 'skip'}) alone": { perParameter: 6.5, constant: 62 },
  'clipByGlobalNorm(1) alone': { perParameter: 4.5, constant: 8 },
  'adaptiveClip() alone': { perParameter: 12, constant: 25 },
  'monitor({every: 10}) alone': { perParameter: 1.8, constant: 5 },
};
const DISPATCH_BUDGETS: Record<string, { perParameter: number; constant: number }> = {
  'full stack, report every step': { perParameter: 1.6, constant: 85 },
  'full stack, report every 10': { perParameter: 1.1, constant: 50 },
  "nonFinite({policy: 'skip'}) alone": { perParameter: 0.9, constant: 21 },
  'clipByGlobalNorm(1) alone': { perParameter: 0.5, constant: 8.5 },
  'adaptiveClip() alone': { perParameter: 0.6, constant: 13.5 },
  'monitor({every: 10}) alone': { perParameter: 0.2, constant: 3 },
};

interface Launches {
  kernels: number;
  dispatches?: number;
}

async function launchesPerStep(variant: OptimizerVariant, depth: number): Promise<Launches> {
  const built = reluMlp({ depth, width: 16, batch: 8 }).build();
  const optimizer = variant.create(built.model);
  const step = () => optimizer.minimize(built.loss, false, built.variables);
  step();
  const launches = await countKernelLaunches(() => {
    for (let i = 0; i < STEPS; i++) step();
  });
  optimizer.dispose();
  built.dispose();
  return { kernels: launches.kernels / STEPS, ...(launches.dispatches !== undefined ? { dispatches: launches.dispatches / STEPS } : {}) };
}

/** Extra launches per step at each depth, and their growth per parameter. */
function extraLaunches(counted: Launches[], baseline: Launches[], key: keyof Launches) {
  const extra = counted.map((launches, i) => launches[key]! - baseline[i]![key]!);
  const perParameter = (extra[1]! - extra[0]!) / (paramsAt(DEPTHS[1]) - paramsAt(DEPTHS[0]));
  return { extra, perParameter, constant: extra[0]! - perParameter * paramsAt(DEPTHS[0]) };
}

describeBackends('kernel launches per step', await testBackends(), (backend) => {
  it(`the plugin stack and each plugin alone stay within their launch budgets [${backend}]`, async () => {
    const measure = async (variant: OptimizerVariant) => {
      const counted: Launches[] = [];
      for (const depth of DEPTHS) counted.push(await launchesPerStep(variant, depth));
      return counted;
    };
    const baseline = await measure(bare);
    const rows: string[] = [];
    const failures: string[] = [];
    for (const variant of [fullStackEvery1, fullStackEvery10, ...eachPluginAlone]) {
      const counted = await measure(variant);
      const checks: Array<['kernels' | 'dispatches', Record<string, { perParameter: number; constant: number }>]> = [['kernels', BUDGETS]];
      if (counted[0]!.dispatches !== undefined) checks.push(['dispatches', DISPATCH_BUDGETS]);
      for (const [key, budgets] of checks) {
        const { extra, perParameter, constant } = extraLaunches(counted, baseline, key);
        const budget = budgets[variant.name]!;
        rows.push(`${variant.name}: +${extra.map((n) => n.toFixed(1)).join(' / +')} ${key} (P = ${DEPTHS.map(paramsAt).join(' / ')}): ${perParameter.toFixed(2)} per parameter + ${constant.toFixed(1)}`);
        failures.push(
          ...(perParameter > budget.perParameter ? [`${variant.name}: ${perParameter.toFixed(2)} extra ${key} per parameter > ${budget.perParameter}`] : []),
          ...(constant > budget.constant ? [`${variant.name}: ${constant.toFixed(1)} extra ${key} besides those > ${budget.constant}`] : []),
        );
      }
    }
    console.log(`launches per step over bare Adam (${baseline.map((b) => b.kernels).join(' / ')} kernels) [${backend}]:\n  ${rows.join('\n  ')}`);
    expect(failures).toEqual([]);
  });
});
