import * as tf from '@tensorflow/tfjs';
import { FIT_PROTOCOL, FitCallback, type FitProtocol } from './fit-callback.js';
import { describeParams, describeVariables, type ParamInfo } from './param-info.js';
import type {
  GradientMap,
  RecordedValue,
  SetupContext,
  StabilityPlugin,
  StepReport,
} from './plugin.js';
import { resolveOptimizer, type OptimizerName } from './optimizer-by-name.js';
import { StepRecorder } from './step-recorder.js';
import type { ConditionalSelect } from './select-if.js';
import { StepScope } from './step-scope.js';
import { UnitLayout } from './unit-layout.js';
import { useMultiOutputKernels } from './fused-kernels.js';
import { SELECT_MANY } from './kernel-names.js';
import { restoreInPlace } from './webgpu-kernels.js';
import { validatePlugins, type PluginSlot } from './plugin-list.js';
import { invalidOption, requireInteger, requireModel, requireOptimizer, requireOptions } from './validate.js';

/** Options for `stabilize`. */
export interface StabilizeOptions {
  /**
   * The model being trained. Optional; with it, `ParamInfo` carries layer classes and
   * activations, plugins may re-initialize or probe the model, and `report.stopTraining` sets
   * `model.stopTraining`.
   */
  model?: tf.LayersModel;
  /** Report (read back recorded values and call `onReport`) every `every`-th step. Default 1. */
  every?: number;
}

/** The result of one step run through `runStep`. */
export interface StepOutcome {
  /** The step's loss tensor (owned by the caller). */
  loss: tf.Scalar;
  /** Resolves after the step's readback and every `onReport` ran; the loss is always included. */
  report: Promise<StepReport>;
}


/** One gradient with its variable name, as optimizers receive it. */
export interface NamedGradient {
  /** The variable's name. */
  name: string;
  /** Its gradient (or, for optimizer weights, its value). */
  tensor: tf.Tensor;
}

/** Gradients as `applyGradients` receives them: a map by variable name, or a list in variable order. */
export type VariableGradients = tf.NamedTensorMap | NamedGradient[];

const LOSS_KEY = 'loss';
/** How many scheduled reports `waitForReports` remembers (it waits at most this many − 1 steps behind). */
const RECENT_REPORTS_KEPT = 8;
const STABILIZED = Symbol.for('gradient-stability.StabilizedOptimizer');

/**
 * Checks a plugin's returned map: same names, tensors of the same shapes. `unscaled` gives a
 * lazily scaled map's (`ctx.scaleGradients`) underlying map, whose shapes it has, so checking
 * computes none of its gradients.
 */
function validateGradientMap(output: unknown, input: GradientMap, key: string, unscaled: (map: GradientMap) => GradientMap): GradientMap {
  if (output == null || typeof output !== 'object' || Array.isArray(output)) {
    throw new TypeError(`plugin '${key}': transformGradients must return a gradient map (object keyed by variable name) or nothing`);
  }
  const map = output as GradientMap;
  const outputShapes = unscaled(map);
  const inputShapes = unscaled(input);
  for (const name of Object.keys(input)) {
    const gradient = name in map ? outputShapes[name] : undefined;
    if (!(gradient instanceof tf.Tensor)) {
      throw new Error(`plugin '${key}': transformGradients returned a gradient map missing '${name}'`);
    }
    const expected = inputShapes[name]!.shape;
    if (!tf.util.arraysEqual(gradient.shape, expected)) {
      throw new Error(`plugin '${key}': transformGradients changed the shape of '${name}' from [${expected}] to [${gradient.shape}]`);
    }
  }
  for (const name of Object.keys(map)) {
    if (!(name in input)) throw new Error(`plugin '${key}': transformGradients returned an unknown variable '${name}'`);
  }
  return map;
}

/**
 * `variable ← condition ? before : variable` for every variable, bit for bit: on wasm and cpu one
 * kernel that hands each variable the chosen data (nothing copied); on WebGPU in place, as many
 * variables per dispatch as the device's storage buffers allow (three with WebGPU's default 8,
 * seven with the 16 `@gs/backends` asks for on lavapipe), doing no work unless the condition holds
 * (or, when a variable's new data is shared, selects into new tensors); elsewhere one select each
 * (the condition broadcast once per shape).
 */
function restoreIf(condition: tf.Tensor, variables: tf.Variable[], before: tf.Tensor[], selects: ConditionalSelect): void {
  if (restoreInPlace(condition, variables, before)) return;
  tf.tidy(() => {
    if (useMultiOutputKernels() && variables.every((variable) => variable.dtype === 'float32' && variable.size > 0)) {
      const inputs: Record<string, tf.Tensor> = { condition };
      variables.forEach((variable, i) => {
        inputs[`t${i}`] = before[i]!;
        inputs[`e${i}`] = variable;
      });
      const restored = tf.engine().runKernel(SELECT_MANY, inputs) as tf.Tensor[];
      variables.forEach((variable, i) => variable.assign(restored[i]!));
      return;
    }
    variables.forEach((variable, i) => variable.assign(selects.select(condition, before[i]!, variable)));
  });
}

function lookUpVariable(name: string): tf.Variable {
  const variable = tf.engine().registeredVariables[name];
  if (!variable) throw new Error(`stabilize: no variable named '${name}' is registered with tfjs`);
  return variable;
}

/**
 * A `tf.Optimizer` that runs training-stability plugins around a wrapped optimizer. Create it with
 * `stabilize`. It keeps the gradient list's length and order (optimizers such as Adam keep state
 * by position), tidies its intermediates, and reads recorded values back with one async `data()`
 * per reported step, never awaited inside the step.
 */
export class StabilizedOptimizer extends tf.Optimizer {
  /** Registered with `tf.serialization` under this name. */
  static className = 'StabilizedOptimizer';

  /**
   * `tf.Optimizer` answers `instanceof` by duck typing (any object with `minimize`,
   * `computeGradients` and `applyGradients`), which every optimizer passes; this class checks its
   * own brand instead.
   */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return typeof instance === 'object' && instance !== null && (instance as Record<symbol, unknown>)[STABILIZED] === true;
  }

  private readonly [STABILIZED] = true;

  /** The wrapped optimizer that applies the updates. */
  readonly optimizer: tf.Optimizer;
  /** The model, when known. */
  readonly model?: tf.LayersModel;
  /** Report every `every`-th step. */
  readonly every: number;

  private slots: PluginSlot[];
  private params?: ParamInfo[];
  private layout?: UnitLayout;
  /** Whether the last step computed per-unit sums (then this one computes per-parameter sums from them). */
  private unitsFirst = false;
  private paramSignature = '';
  private variables = new Map<string, tf.Variable>();
  private setUp = false;
  private stepIndex = 0;
  private reportChain: Promise<void> = Promise.resolve();
  /** The latest scheduled reports: the step and the chain that settles once it was delivered. */
  private recentReports: { step: number; delivered: Promise<void> }[] = [];
  private failure?: unknown;
  private stopReason?: string;
  /** The model `fit` trains with this optimizer (told by core's fit callback). */
  private trainingModel?: tf.LayersModel;

  constructor(optimizer: tf.Optimizer | OptimizerName, plugins: readonly StabilityPlugin[] = [], options: StabilizeOptions = {}) {
    super();
    const checked = checkStabilizeArguments('stabilize', optimizer, plugins, options);
    this.optimizer = checked.optimizer;
    this.slots = checked.slots;
    this.every = checked.every;
    this.model = checked.model;
  }

  /** The plugins, in the order their hooks run. */
  get plugins(): readonly StabilityPlugin[] {
    return this.slots.map((slot) => slot.plugin);
  }

  /**
   * Replaces the plugin list (for an optimizer restored by `tf.loadLayersModel`, whose plugins are
   * not serialized). Disposes nothing: the old plugins stay the caller's.
   */
  setPlugins(plugins: readonly StabilityPlugin[]): void {
    this.slots = validatePlugins('setPlugins', plugins);
    this.setUp = false;
  }

  /** Every trainable parameter seen so far (known after the first step). */
  get paramInfo(): readonly ParamInfo[] | undefined {
    return this.params;
  }

  /** The number of updates applied through this optimizer. */
  get step(): number {
    return this.stepIndex;
  }

  /** The first reason a plugin gave for stopping, if any. */
  get stopRequested(): string | undefined {
    return this.stopReason;
  }

  /** The wrapped optimizer's iteration count. */
  override get iterations(): number {
    return this.optimizer.iterations;
  }

  /** Runs `f`, computes gradients, runs the plugins and the wrapped optimizer (what `fit` calls). */
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const { loss } = this.runStep(f, varList, false);
    if (returnCost) return loss;
    loss.dispose();
    return null;
  }

  /**
   * One training step for custom loops: like `minimize(f, true)` but also returns a promise of the
   * step's report. With `forceReport`, the loss is read back even on steps that are not reporting
   * steps (plugins still record only every `every` steps).
   */
  runStep(f: () => tf.Scalar, varList?: tf.Variable[], forceReport = true): StepOutcome {
    this.throwIfFailed();
    const variables =
      varList ?? Object.values(tf.engine().registeredVariables).filter((variable) => variable.trainable);
    this.prepare(variables);
    const { value, grads } = this.computeGradients(f, varList);
    let report: Promise<StepReport> | undefined;
    try {
      report = this.applyStep(grads, value, forceReport, true);
    } catch (error) {
      value.dispose();
      throw error;
    } finally {
      tf.dispose(grads);
    }
    return { loss: value, report: report ?? Promise.resolve(this.emptyReport(this.stepIndex - 1)) };
  }

  /** Runs the plugins on already computed gradients, then the wrapped optimizer. */
  override applyGradients(variableGradients: VariableGradients): void {
    this.throwIfFailed();
    this.applyStep(variableGradients, undefined, false);
  }

  /** Resolves when every pending report was delivered; rejects with the first plugin error. */
  async flush(): Promise<void> {
    await this.reportChain;
    this.throwIfFailed();
  }

  /**
   * Resolves once the reports of every step except the latest `behind` ones have been delivered
   * (`behind = 0`: all of them, like `flush`); rejects with the first plugin error.
   */
  async waitForReports(behind = 0): Promise<void> {
    const lastWanted = this.stepIndex - 1 - Math.min(behind, RECENT_REPORTS_KEPT - 1);
    let target: Promise<void> | undefined = behind <= 0 ? this.reportChain : undefined;
    for (const report of this.recentReports) if (report.step <= lastWanted) target = report.delivered;
    await target;
    this.throwIfFailed();
  }

  /**
   * A `fit`/`fitDataset` callback that waits for each batch's report before the next batch, so
   * plugin errors and stop requests take effect at the batch that caused them. Optional: without
   * it, core's own fit callback (added by tfjs to every `fit`) lets reports lag at most one batch
   * (`AUTOMATIC_REPORT_LAG`). It may stand anywhere in a callbacks array, next to plain callback
   * objects (`{ onBatchEnd }`, tfjs-vis) or tfjs's own callbacks (`tf.callbacks.earlyStopping()`)
   * — though tfjs itself cannot mix those two kinds in one array unless a tfjs callback comes first.
   */
  fitCallback(): FitCallback {
    return new FitCallback(this[FIT_PROTOCOL]());
  }

  /** How core's fit callbacks wait for reports and learn the model being trained. */
  [FIT_PROTOCOL](): FitProtocol {
    return {
      waitForReports: (behind) => this.waitForReports(behind),
      setTrainingModel: (model) => {
        this.trainingModel = model;
      },
    };
  }

  /** The wrapped optimizer's state (iteration count, moments), for `model.save` with `includeOptimizer`. */
  override async getWeights(): Promise<NamedGradient[]> {
    return this.optimizer.getWeights();
  }

  /** Restores the wrapped optimizer's state saved by `getWeights`. */
  override async setWeights(weightValues: NamedGradient[]): Promise<void> {
    await this.optimizer.setWeights(weightValues);
  }

  /** The wrapped optimizer's class and config, `every`, and the plugin names (plugins are not restored). */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      optimizer: { className: this.optimizer.getClassName(), config: this.optimizer.getConfig() },
      every: this.every,
      plugins: this.slots.map((slot) => slot.key),
    };
  }

  /**
   * Restores the wrapped optimizer from `getConfig` output. Plugins are code, not data: the
   * restored optimizer has none; attach them with `setPlugins`.
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const inner = config['optimizer'] as { className?: string; config?: tf.serialization.ConfigDict } | undefined;
    const entry = inner?.className ? tf.serialization.SerializationMap.getMap().classNameMap[inner.className] : undefined;
    if (!inner || !entry) {
      throw new Error(`StabilizedOptimizer.fromConfig: unknown wrapped optimizer '${inner?.className}'`);
    }
    const [innerClass, innerFromConfig] = entry;
    const optimizer = innerFromConfig(innerClass, inner.config ?? {}) as tf.Optimizer;
    const every = typeof config['every'] === 'number' ? config['every'] : 1;
    return new (cls as unknown as typeof StabilizedOptimizer)(optimizer, [], { every }) as unknown as T;
  }

  /** Disposes the wrapped optimizer and every plugin. */
  override dispose(): void {
    for (const { plugin } of this.slots) plugin.dispose?.();
    this.optimizer.dispose();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Builds the parameter list for these variables (once per distinct list) and runs `setup`. */
  private prepare(variables: readonly tf.Variable[]): void {
    const signature = variables.map((variable) => variable.name).join('\n');
    if (signature !== this.paramSignature) {
      this.paramSignature = signature;
      this.variables = new Map(variables.map((variable) => [variable.name, variable]));
      this.params = this.describe(variables);
      this.layout = new UnitLayout(this.params);
    }
    if (this.setUp) return;
    this.setUp = true;
    const context: SetupContext = { params: this.params!, variables: this.variables, model: this.model, optimizer: this.optimizer };
    for (const { plugin } of this.slots) plugin.setup?.(context);
  }

  private describe(variables: readonly tf.Variable[]): ParamInfo[] {
    const fromNames = describeVariables(variables);
    if (!this.model) return fromNames;
    const known = new Map(describeParams(this.model).map((info) => [info.name, info]));
    return fromNames.map((info, index) => {
      const modelInfo = known.get(info.name);
      return modelInfo ? { ...modelInfo, index } : info;
    });
  }

  private applyStep(
    variableGradients: VariableGradients,
    loss: tf.Scalar | undefined,
    forceReport: boolean,
    ownsGradients = false,
  ): Promise<StepReport> | undefined {
    const list: NamedGradient[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name]! }));
    this.prepare(list.map((entry) => this.variables.get(entry.name) ?? lookUpVariable(entry.name)));

    const step = this.stepIndex;
    // Nothing is recorded or read back unless someone will look at it: a plugin with onReport,
    // or a caller (the trainer) that wants the loss.
    const listening = this.slots.some((slot) => slot.plugin.onReport);
    const reporting = listening && step % this.every === 0;
    const recorder = new StepRecorder(reporting || forceReport);
    const incomingGradients: GradientMap = {};
    for (const entry of list) if (entry.tensor != null) incomingGradients[entry.name] = entry.tensor;
    const scope = new StepScope({
      step,
      reporting,
      loss,
      incomingGradients,
      params: this.params!,
      layout: this.layout,
      unitsFirst: this.unitsFirst,
      variables: this.variables,
      model: this.model,
      optimizer: this.optimizer,
      record: (key, name, value) => recorder.record(`${key}/${name}`, value),
    }, ownsGradients);

    const originals = new Set(list.map((entry) => entry.tensor).filter((tensor) => tensor != null));
    let transformed: NamedGradient[] = list;
    let skip: tf.Tensor | undefined;
    try {
      if (this.slots.some((slot) => slot.plugin.transformGradients)) {
        scope.inTransform = true;
        const result = tf.tidy(() => {
          let grads: GradientMap = { ...incomingGradients };
          for (const { plugin, key } of this.slots) {
            if (!plugin.transformGradients) continue;
            const output = plugin.transformGradients(grads, scope.contextFor(key));
            // A deferred step ends here: later plugins, the update and afterUpdate are skipped.
            if (scope.deferredBy !== undefined) return { grads: list, anySkip: undefined };
            if (output !== undefined) grads = validateGradientMap(output, grads, key, (map) => scope.scalings.scalingOf(map)?.base ?? map);
          }
          // A single boolean condition stays the same data (no copy), so the selects below reuse
          // what zeroGradientsIf broadcast for it.
          const anySkip = scope.skipConditions.length
            ? scope.skipConditions
                .map((condition) => tf.reshape(condition.dtype === 'bool' ? condition : tf.notEqual(condition, 0), []))
                .reduce((a, b) => tf.logicalOr(a, b))
            : undefined;
          scope.scalings.materializeAll(grads);
          return {
            grads: list.map((entry) => ({ name: entry.name, tensor: entry.tensor == null ? entry.tensor : grads[entry.name]! })),
            anySkip,
          };
        });
        scope.inTransform = false;
        transformed = result.grads;
        skip = result.anySkip;
      }

      if (scope.deferredBy === undefined) {
        const updated = transformed.filter((entry) => entry.tensor != null).map((entry) => this.variables.get(entry.name)!);
        // Views share the variables' data and the update gives the variables new data, so these
        // keep the values from before it without copying (the same views plugins get from
        // ctx.reductions.weights(); the step frees them).
        const weights = skip ? scope.reductions.weights() : undefined;
        this.optimizer.applyGradients(transformed);
        if (skip && weights) restoreIf(skip, updated, updated.map((variable) => weights[variable.name]!), scope.scalings.selects);
        scope.reductions.weightsChanged();

        if (this.slots.some((slot) => slot.plugin.afterUpdate)) {
          tf.tidy(() => {
            for (const { plugin, key } of this.slots) plugin.afterUpdate?.(scope.contextFor(key));
          });
        }
      }
      if (loss) recorder.record(LOSS_KEY, loss);
    } catch (error) {
      recorder.discard();
      throw error;
    } finally {
      skip?.dispose();
      for (const entry of transformed) {
        if (entry.tensor != null && !originals.has(entry.tensor)) entry.tensor.dispose();
      }
      this.unitsFirst = scope.reductions.unitsComputed;
      scope.dispose();
    }
    this.stepIndex = step + 1;
    return this.scheduleReport(step, reporting, recorder);
  }

  private emptyReport(step: number, values: Record<string, RecordedValue> = {}): StepReport {
    const { [LOSS_KEY]: loss, ...rest } = values;
    return {
      step,
      ...(typeof loss === 'number' ? { loss } : {}),
      values: rest,
      params: this.params ?? [],
      stopTraining: (reason: string) => {
        this.stopReason ??= reason;
        const model = this.model ?? this.trainingModel;
        if (model) model.stopTraining = true;
      },
    };
  }

  private scheduleReport(step: number, reporting: boolean, recorder: StepRecorder): Promise<StepReport> | undefined {
    const readBack = recorder.readBack();
    if (!readBack) return undefined;
    const delivered = this.reportChain.then(async () => {
      const report = this.emptyReport(step, await readBack);
      if (this.failure !== undefined || !reporting) return report;
      for (const { plugin, key } of this.slots) {
        if (!plugin.onReport) continue;
        const prefix = `${key}/`;
        const own: Record<string, RecordedValue> = {};
        for (const [name, value] of Object.entries(report.values)) {
          if (name.startsWith(prefix)) own[name.slice(prefix.length)] = value;
        }
        await plugin.onReport(report, { key, own });
      }
      return report;
    });
    this.reportChain = delivered.then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= error;
      },
    );
    this.recentReports.push({ step, delivered: this.reportChain });
    if (this.recentReports.length > RECENT_REPORTS_KEPT) this.recentReports.shift();
    return delivered;
  }
}

tf.serialization.registerClass(StabilizedOptimizer);

/** Checks `stabilize`'s arguments (`where`: the public function they were given to). */
export function checkStabilizeArguments(
  where: string,
  optimizer: unknown,
  plugins: unknown = [],
  options: unknown = {},
): { optimizer: tf.Optimizer; slots: PluginSlot[]; every: number; model?: tf.LayersModel } {
  if (optimizer === undefined) {
    invalidOption(where, 'optimizer', 'a tf.Optimizer such as tf.train.adam(1e-3) (model.optimizer is undefined until model.compile)', optimizer);
  }
  if (typeof optimizer !== 'string') requireOptimizer(where, 'optimizer', optimizer);
  if (optimizer instanceof StabilizedOptimizer) {
    throw new TypeError(`${where}: optimizer is already stabilized; put all plugins in one list`);
  }
  const checked = requireOptions<StabilizeOptions>(where, options, ['model', 'every']);
  const slots = validatePlugins(where, plugins);
  const every = requireInteger(where, 'every', checked.every ?? 1);
  const model = checked.model === undefined ? undefined : requireModel(where, 'model', checked.model);
  // A name becomes an optimizer last, once nothing else can fail.
  return { optimizer: resolveOptimizer(where, optimizer) as tf.Optimizer, slots, every, model };
}

/**
 * Wraps an optimizer so that training-stability plugins run in every step. The result is a
 * `tf.Optimizer`: pass it to `model.compile` and use `fit`, `fitDataset`, `trainOnBatch`, or call
 * `minimize` in your own loop. With an empty plugin list it applies exactly the updates of the
 * wrapped optimizer.
 *
 * `optimizer` may also be a name `model.compile` accepts (`'sgd'`, `'adam'`, `'adagrad'`,
 * `'adadelta'`, `'adamax'`, `'rmsprop'`), created with tfjs-layers' defaults for that name (see
 * `optimizerByName`), so `compile({ optimizer: 'adam' })` becomes
 * `compile({ optimizer: stabilize('adam', [clipByGlobalNorm(1)]) })` — like Keras's `clipnorm=`
 * or Lightning's `gradient_clip_val=`. The stabilized optimizer owns (and disposes) an optimizer
 * it created from a name.
 *
 * Defaults: `every = 1` (report every step); no model.
 *
 * @example
 * model.compile({
 *   optimizer: stabilize(tf.train.adam(1e-3), [clipByGlobalNorm(1), monitor()], { model }),
 *   loss: 'categoricalCrossentropy',
 * });
 * await model.fit(xs, ys, { epochs: 5 });
 *
 * @example
 * model.compile({ optimizer: stabilize('adam', [clipByGlobalNorm(1)]), loss: 'meanSquaredError' });
 */
export function stabilize(
  optimizer: tf.Optimizer | OptimizerName,
  plugins: readonly StabilityPlugin[] = [],
  options: StabilizeOptions = {},
): StabilizedOptimizer {
  return new StabilizedOptimizer(optimizer, plugins, options);
}
