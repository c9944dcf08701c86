import { requireParamInfos, type ParamInfo } from '@gs/core';

/** The trainable parameters of one layer, as the monitor aggregates them. */
export interface LayerGroup {
  /** The layer's name, e.g. `dense_Dense3`. */
  readonly name: string;
  /** Depth index among layers with trainable parameters, 0 nearest the input (-1 when unknown). */
  readonly depth: number;
  /** The layer's class, e.g. `Dense`, when a model is known. */
  readonly layerClass?: string;
  /** The layer's activation, e.g. `sigmoid`, when a model is known and it has one. */
  readonly activation?: string;
  /** The layer's parameters, in gradient-list order. */
  readonly params: readonly ParamInfo[];
}

/**
 * Groups parameters by owning layer, ordered by depth (input first); layers of unknown depth come
 * last, in the order their parameters appear.
 *
 * @example
 * groupByLayer(describeParams(model)).map((layer) => `${layer.depth} ${layer.name}`);
 */
export function groupByLayer(params: readonly ParamInfo[]): LayerGroup[] {
  requireParamInfos('groupByLayer', 'params', params);
  const byName = new Map<string, { first: number; info: ParamInfo; params: ParamInfo[] }>();
  params.forEach((param, position) => {
    const group = byName.get(param.layerName);
    if (group) group.params.push(param);
    else byName.set(param.layerName, { first: position, info: param, params: [param] });
  });
  const rank = (depth: number) => (depth < 0 ? Number.POSITIVE_INFINITY : depth);
  return [...byName.values()]
    .sort((a, b) => rank(a.info.depth) - rank(b.info.depth) || a.first - b.first)
    .map(({ info, params: layerParams }) => ({
      name: info.layerName,
      depth: info.depth,
      ...(info.layerClass ? { layerClass: info.layerClass } : {}),
      ...(info.activation ? { activation: info.activation } : {}),
      params: layerParams,
    }));
}
