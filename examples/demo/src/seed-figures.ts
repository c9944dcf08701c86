import * as tf from '@tensorflow/tfjs';

/** The sigmoid and its gradient at each x of the seed's grid. */
export interface SigmoidCurve {
  x: number[];
  sigmoid: number[];
  gradient: number[];
}

/**
 * The seed's first figure: sigmoid(x) = 1/(1+exp(−x)) and its gradient σ(x)(1−σ(x)) on
 * x ∈ [−8, 8) with step 0.1, the gradient taken by automatic differentiation (`tf.grad`) on the
 * current backend. The gradient peaks at 0.25 (x = 0) and is below 4e−4 at |x| = 8.
 */
export async function sigmoidCurve(): Promise<SigmoidCurve> {
  const x = tf.range(-8, 8, 0.1);
  const y = tf.sigmoid(x);
  // tf.grad of sum(sigmoid(x)) gives the elementwise derivative, like the seed's GradientTape.
  const dy = tf.grad((input: tf.Tensor) => tf.sigmoid(input))(x);
  const [xs, ys, dys] = await Promise.all([x.data(), y.data(), dy.data()]);
  tf.dispose([x, y, dy]);
  return { x: Array.from(xs), sigmoid: Array.from(ys), gradient: Array.from(dys) };
}

/** How the 4×4 matrices of the product are drawn. */
export type MatrixKind = 'normal' | 'orthogonal' | 'varianceScaled';

/** Options for `matrixProductNorms`. */
export interface MatrixProductOptions {
  kind: MatrixKind;
  /** Matrices multiplied onto the first one. Default 100 (the seed's). */
  products?: number;
  /** Matrix size. Default 4. */
  size?: number;
  /** Seed of the random matrices. Default 1. */
  seed?: number;
}

/**
 * A random orthogonal matrix: Q of the QR factorization of an N(0,1) matrix, with each column's
 * sign fixed by the sign of R's diagonal so Q is uniformly (Haar) distributed (Mezzadri 2007).
 */
export function randomOrthogonal(size: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [q, r] = tf.linalg.qr(tf.randomNormal([size, size], 0, 1, 'float32', seed) as tf.Tensor2D);
    const signs = tf.sign(tf.sum(tf.mul(r, tf.eye(size)), 0));
    return tf.mul(q, signs) as tf.Tensor2D;
  });
}

function randomMatrix(kind: MatrixKind, size: number, seed: number): tf.Tensor2D {
  switch (kind) {
    case 'normal':
      return tf.randomNormal([size, size], 0, 1, 'float32', seed);
    case 'varianceScaled':
      // Variance 1/n (LeCun; equals Xavier/Glorot for a square matrix): E‖Mv‖² = ‖v‖².
      return tf.randomNormal([size, size], 0, 1 / Math.sqrt(size), 'float32', seed);
    case 'orthogonal':
      return randomOrthogonal(size, seed);
  }
}

/**
 * ‖M‖_F / √n computed without overflow: the sum of squares of entries near 1e27 would overflow
 * float32, so the matrix is divided by its largest |entry| first and the factor put back after.
 */
function rmsSingularValue(matrix: tf.Tensor2D): tf.Scalar {
  const largest = tf.max(tf.abs(matrix));
  const safe = tf.maximum(largest, tf.scalar(1e-30));
  return tf.mul(safe, tf.norm(tf.div(matrix, safe))).div(Math.sqrt(matrix.shape[0])) as tf.Scalar;
}

/**
 * The seed's second figure: start from one random `size × size` matrix and multiply it by
 * `products` more, recording after each step the root-mean-square singular value
 * ‖M‖_F / √size — equal to 1 for orthogonal matrices. Entry 0 is the first matrix alone. With
 * N(0, 1) entries it grows about √size per step (≈1e25 after 100 products for size 4, the
 * seed's numbers); orthogonal products stay at 1; variance-scaled ones drift slowly.
 */
export async function matrixProductNorms(options: MatrixProductOptions): Promise<number[]> {
  const { kind, products = 100, size = 4, seed = 1 } = options;
  const norms = tf.tidy(() => {
    let product = randomMatrix(kind, size, seed * 1000);
    const steps: tf.Scalar[] = [rmsSingularValue(product)];
    for (let i = 1; i <= products; i++) {
      product = tf.matMul(product, randomMatrix(kind, size, seed * 1000 + i));
      steps.push(rmsSingularValue(product));
    }
    return tf.stack(steps);
  });
  const values = Array.from(await norms.data());
  norms.dispose();
  return values;
}
