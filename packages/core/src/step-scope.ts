import * as tf from '@tensorflow/tfjs';
import { StepReductions } from './gradient-reductions.js';
import { requireParamInfos, type ParamInfo } from './param-info.js';
import type { GradientMap, StepContext } from './plugin.js';
import { GradientScalings } from './scaled-gradients.js';
import { UnitLayout } from './unit-layout.js';
import {
  invalidOption,
  requireBoolean,
  requireFunction,
  requireInteger,
  requireModel,
  requireOptimizer,
  requireOptions,
  requireString,
  requireTensor,
} from './validate.js';

/** What a `StepScope` needs to know about the step. */
export interface StepScopeOptions {
  /** 0-based index of the update. */
  step: number;
  /** Whether recorded values will be read back (`ctx.reporting`). */
  reporting: boolean;
  /** Every trainable parameter, in gradient-list order. */
  params: readonly ParamInfo[];
  /** The variables being trained, by name (`ctx.variables`; `ctx.reductions.weights()` reads them). */
  variables: ReadonlyMap<string, tf.Variable>;
  /** The wrapped optimizer (`ctx.optimizer`). */
  optimizer: tf.Optimizer;
  /** The step's gradients before any transform (`ctx.incomingGradients`). */
  incomingGradients: GradientMap;
  /** The step's loss, when known. */
  loss?: tf.Scalar;
  /** The model, when known. */
  model?: tf.LayersModel;
  /** The packed per-unit layout of `params` (made from them when not given; pass one to reuse it across steps). */
  layout?: UnitLayout;
  /** Compute per-parameter sums through per-unit sums (see `StepReductions`): pass `unitsComputed` of the previous step's reductions. */
  unitsFirst?: boolean;
  /** Receives `ctx.record(name, value)` calls of the plugin with this key, on reporting steps. */
  record(key: string, name: string, value: tf.Tensor | number): void;
}

/**
 * The per-step state behind the hooks' `StepContext`: the shared reductions, the lazy gradient
 * scalings and the skip conditions of one step. `StabilizedOptimizer` makes one per step (internal
 * to core; `createStepContext` is the exported way to run hooks outside an optimizer). Tensors it
 * makes live until `dispose()`.
 */
export class StepScope {
  /** The lazy gradient scalings of this step (`ctx.scaleGradients`, `ctx.zeroGradientsIf`). */
  readonly scalings: GradientScalings;
  /** The shared reductions of this step (`ctx.reductions`). */
  readonly reductions: StepReductions;
  /** Conditions passed to `ctx.skipUpdateIf` so far. */
  readonly skipConditions: tf.Tensor[] = [];
  /** True while `transformGradients` hooks run: the only time the gradient methods may be called. */
  inTransform = false;
  /** The key of the first plugin that called `ctx.deferUpdate()` this step, if any. */
  deferredBy?: string;

  /**
   * @param ownsGradients whether the incoming gradients are core's own (computed by `minimize`), so
   *   that the step may overwrite them once every plugin transformed them (see `GradientScalings`).
   */
  constructor(
    private readonly options: StepScopeOptions,
    ownsGradients = false,
  ) {
    const layout = options.layout ?? new UnitLayout(options.params);
    const positions = new Map(options.params.map((param, position) => [param.name, position]));
    this.scalings = new GradientScalings(layout, positions, ownsGradients);
    this.reductions = new StepReductions(layout, options.variables, this.scalings, options.unitsFirst);
  }

  /** The context a plugin's hooks see, its records going under `key`. */
  contextFor(key: string): StepContext {
    const { step, reporting, loss, incomingGradients, params, variables, model, optimizer, record } = this.options;
    const onlyInTransform = (method: string) => {
      if (!this.inTransform) throw new Error(`plugin '${key}': ${method} can only be called from transformGradients`);
    };
    return {
      step,
      reporting,
      loss,
      incomingGradients,
      params,
      variables,
      model,
      optimizer,
      reductions: this.reductions,
      record: (name, value) => {
        if (reporting) record(key, name, value);
      },
      skipUpdateIf: (condition) => {
        onlyInTransform('skipUpdateIf');
        this.skipConditions.push(condition);
      },
      scaleGradients: (grads, factor) => {
        onlyInTransform('scaleGradients');
        return this.scalings.scale(grads, factor);
      },
      zeroGradientsIf: (grads, condition) => {
        onlyInTransform('zeroGradientsIf');
        return this.scalings.zeroIf(grads, condition);
      },
      deferUpdate: () => {
        onlyInTransform('deferUpdate');
        this.deferredBy ??= key;
      },
    };
  }

  /** Frees every tensor the step's reductions and scalings made. */
  dispose(): void {
    this.inTransform = false;
    this.scalings.dispose();
  }
}

/** A step context made by `createStepContext`, with what the step decided. */
export interface StandaloneStep {
  /** The context to pass to `transformGradients` (the gradient methods may be called). */
  readonly context: StepContext;
  /** Conditions passed to `ctx.skipUpdateIf` so far (the plugin's tensors: read them before its scope ends). */
  readonly skipConditions: readonly tf.Tensor[];
  /** Frees what the step's reductions and scalings made (results read from the context included). */
  dispose(): void;
}

/**
 * A step context for running a plugin's `transformGradients` outside an optimizer — a plugin's unit
 * tests, or a tool that inspects what a plugin does to some gradients — with the same shared
 * reductions and lazy scalings as inside `stabilize`. Records go to `options.record`.
 *
 * @example
 * const step = createStepContext({ step: 0, reporting: true, params, variables, optimizer, incomingGradients: grads, record: () => {} });
 * const out = tf.tidy(() => plugin.transformGradients?.(grads, step.context));
 * step.dispose();
 */
export function createStepContext(options: StepScopeOptions, key = 'plugin'): StandaloneStep {
  const where = 'createStepContext';
  const checked = requireOptions<StepScopeOptions>(where, options, [
    'step', 'reporting', 'params', 'variables', 'optimizer', 'incomingGradients', 'loss', 'model', 'layout', 'unitsFirst', 'record',
  ]);
  requireInteger(where, 'step', checked.step, 0);
  requireBoolean(where, 'reporting', checked.reporting);
  requireParamInfos(where, 'params', checked.params);
  if (!(checked.variables instanceof Map)) invalidOption(where, 'variables', 'a Map of variable name → tf.Variable', checked.variables);
  requireOptimizer(where, 'optimizer', checked.optimizer);
  const gradients: unknown = checked.incomingGradients;
  const isGradientMap =
    gradients !== null &&
    typeof gradients === 'object' &&
    Object.getPrototypeOf(gradients) === Object.prototype &&
    Object.values(gradients).every((gradient) => gradient instanceof tf.Tensor);
  if (!isGradientMap) invalidOption(where, 'incomingGradients', 'an object of variable name → gradient tensor', gradients);
  if (checked.loss !== undefined) requireTensor(where, 'loss', checked.loss, 0);
  if (checked.model !== undefined) requireModel(where, 'model', checked.model);
  if (checked.layout !== undefined && !(checked.layout instanceof UnitLayout)) invalidOption(where, 'layout', 'a UnitLayout', checked.layout);
  if (checked.unitsFirst !== undefined) requireBoolean(where, 'unitsFirst', checked.unitsFirst);
  requireFunction(where, 'record', checked.record);
  requireString(where, 'key', key);
  const scope = new StepScope(options);
  scope.inTransform = true;
  return { context: scope.contextFor(key), skipConditions: scope.skipConditions, dispose: () => scope.dispose() };
}
