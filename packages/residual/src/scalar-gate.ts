import * as tf from '@tensorflow/tfjs';
import { requireBoolean, requireFinite, requireLayerArgs } from '@gs/core';

/** Serialized configuration shared by the scalar gates (`ReZero`, `SkipInit`, `ResidualScale`). */
export interface ScalarGateConfig {
  /** The multiplier's value before training. */
  initialValue?: number;
  /** Whether the optimizer updates the multiplier. */
  trainable?: boolean;
  /** Layer name; tfjs picks one when omitted. */
  name?: string;
  /** Any other tfjs layer argument (dtype, …), kept so saved configs load back. */
  [layerArgument: string]: unknown;
}

/**
 * Internal base of the scalar gates: multiplies its input by one scalar weight named `alpha`,
 * `y = α·x`. The subclasses differ only in their defaults and in their `className`, so a saved
 * model says which rule built it.
 */
export abstract class ScalarGate extends tf.layers.Layer {
  /** α₀, the value the scalar weight `alpha` is initialised to (saved in the config). */
  protected readonly initialValue: number;
  private alpha: tf.LayerVariable | null = null;

  /** `where`: the factory named in errors; `config` is checked (unknown names, tfjs's options) before tfjs sees it. */
  constructor(where: string, config: ScalarGateConfig, defaults: { initialValue: number; trainable: boolean }) {
    const checked = requireLayerArgs<ScalarGateConfig>(where, config, ['initialValue']);
    const { initialValue = defaults.initialValue, trainable = defaults.trainable, ...layerArguments } = checked;
    super({ ...(layerArguments as object), trainable: requireBoolean(where, 'trainable', trainable) });
    this.initialValue = requireFinite(where, 'initialValue', initialValue);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    void inputShape;
    this.alpha = this.addWeight(
      'alpha',
      [],
      'float32',
      tf.initializers.constant({ value: this.initialValue }),
      undefined,
      this.trainable,
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const input = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.mul(input, this.alpha!.read());
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initialValue: this.initialValue };
  }
}
