/**
 * Eigenvalues of a symmetric `size × size` matrix (row-major, read in float64), ascending, by the
 * cyclic Jacobi method: plane rotations zero one off-diagonal entry at a time until the
 * off-diagonal mass is below 1e-14 of the total (Golub & Van Loan, "Matrix Computations", §8.5).
 * Small matrices only (it runs on the host, O(size³) per sweep, typically < 10 sweeps).
 */
export function symmetricEigenvalues(matrix: ArrayLike<number>, size: number): number[] {
  const a = Float64Array.from({ length: size * size }, (_, i) => matrix[i]!);
  const at = (row: number, column: number) => a[row * size + column]!;
  let total = 0;
  for (let i = 0; i < size * size; i++) total += a[i]! * a[i]!;
  for (let sweep = 0; sweep < 60; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) offDiagonal += 2 * at(p, q) ** 2;
    if (offDiagonal <= 1e-28 * total || offDiagonal === 0) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = at(p, q);
        if (apq === 0) continue;
        // Rotation angle θ with tan(2θ) = 2·a_pq / (a_qq − a_pp); t = tan θ, the smaller root.
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const akp = at(k, p);
          const akq = at(k, q);
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: size }, (_, i) => at(i, i)).sort((x, y) => x - y);
}
