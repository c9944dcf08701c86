import { requireParamInfos, type ParamInfo } from './param-info.js';

/**
 * Where each parameter's units sit in a packed per-unit matrix `[parameters, width]`: row `p` holds
 * the units of `params[p]`, left-aligned, and zeros after them. A unit is one output unit (the
 * last axis of a kernel in tfjs's `[...kernel, in, out]` layout) or, for scalars and vectors, the
 * whole tensor — the units of adaptive gradient clipping (NFNets' `unitwise_norm`). Per-unit
 * quantities of every parameter then take one kernel to compute, combine and sum per parameter
 * (`sum(…, 1)`, which keeps a NaN in its own row).
 *
 * @example
 * const layout = new UnitLayout(ctx.params); // Dense [256, 10] → 10 units, bias [10] → 1 unit
 * layout.units[0]; layout.width;
 */
export class UnitLayout {
  /** The parameters, one row each, in gradient-list order. */
  readonly params: readonly ParamInfo[];
  /** Units per parameter: the last axis for rank ≥ 2, else 1. */
  readonly units: readonly number[];
  /** Entries per unit (the tensor's size over its units). */
  readonly rows: readonly number[];
  /** Columns of the packed matrix: the most units any parameter has (at least 1). */
  readonly width: number;

  constructor(params: readonly ParamInfo[]) {
    this.params = requireParamInfos('UnitLayout', 'params', params);
    this.units = params.map((param) => (param.shape.length >= 2 ? param.shape[param.shape.length - 1]! : 1));
    this.rows = params.map((param, p) => param.shape.reduce((size, dim) => size * dim, 1) / this.units[p]!);
    this.width = Math.max(1, ...this.units);
  }

  /** Number of parameters (rows). */
  get size(): number {
    return this.params.length;
  }
}
