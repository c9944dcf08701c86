import * as tf from '@tensorflow/tfjs';

/**
 * A second set of values for the trained variables (averaged weights, Lookahead's slow weights)
 * that can be swapped into the model and back. Internal to @gs/optim.
 *
 * tfjs tensors are immutable and `assign` only re-points a variable at another tensor's data, so
 * copying a variable (`tf.variable(v)`), swapping two, or assigning one's value to another moves
 * no data: it shares buffers until one side is assigned a new value.
 */
export class WeightCopies {
  private readonly pairs: Array<{ variable: tf.Variable; copy: tf.Variable }>;
  private swapped = false;

  /**
   * One non-trainable copy of each variable, holding its current value. `owner` and `what` (e.g.
   * `'emaWeights'`, `'the averaged weights'`) name them in error messages.
   */
  constructor(
    private readonly owner: string,
    private readonly what: string,
    variables: readonly tf.Variable[],
  ) {
    this.pairs = variables.map((variable) => ({ variable, copy: tf.variable(variable, false) }));
  }

  /** The copies' variables, in the order given. */
  get copies(): tf.Variable[] {
    return this.pairs.map((pair) => pair.copy);
  }

  /** Each trained variable with its copy. */
  get entries(): ReadonlyArray<{ variable: tf.Variable; copy: tf.Variable }> {
    return this.pairs;
  }

  /** Whether the copies are in the model now. */
  get inModel(): boolean {
    return this.swapped;
  }

  /** Exchanges the values of every variable and its copy (no data is copied). */
  swap(): void {
    tf.tidy(() => {
      for (const { variable, copy } of this.pairs) {
        const held = tf.clone(variable);
        variable.assign(copy);
        copy.assign(held);
      }
    });
    this.swapped = !this.swapped;
  }

  /** Puts the copies into the model (a no-op when they are there). */
  swapIn(): void {
    if (!this.swapped) this.swap();
  }

  /** Puts the trained values back (a no-op when they are there). */
  swapOut(): void {
    if (this.swapped) this.swap();
  }

  /**
   * Runs `fn` with the copies in the model and swaps back when it returns or its promise settles
   * (also when it throws).
   */
  with<T>(fn: () => T): T {
    if (this.swapped) throw new Error(`${this.owner}: ${this.what} are already in the model`);
    this.swapIn();
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.swapOut();
      throw error;
    }
    if (result instanceof Promise) {
      return result.finally(() => this.swapOut()) as T;
    }
    this.swapOut();
    return result;
  }

  /** Throws when a training step would update the copies instead of the trained weights. */
  assertTrainable(restore: string): void {
    if (this.swapped) {
      throw new Error(`${this.owner}: a training step ran while ${this.what} were in the model; ${restore} before training`);
    }
  }

  /** Frees the copies (swapping the trained values back first). */
  dispose(): void {
    this.swapOut();
    tf.dispose(this.copies);
  }
}
