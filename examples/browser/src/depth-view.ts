import {
  type DepthConfiguration,
  type DepthRecord,
  type DigitTensors,
  defaultLearningRate,
  groupedBarsSpec,
  overlayCurvesSpec,
  renderSvg,
  runDepthRecord,
} from '@gs/example-demo';

/**
 * The depth view: a plain tanh MLP of the chosen depth trained twice on the current backend — with
 * orthogonal weights at criticality (`initialize(model, 'critical')`) and with tfjs's default init —
 * and a ReZero residual net of the same depth; accuracy bars and overlaid loss curves.
 */
export async function runDepthView(
  data: DigitTensors,
  elements: { accuracy: HTMLElement; loss: HTMLElement; status: HTMLElement },
  size: { depth: number; steps: number; width: number },
): Promise<DepthRecord[]> {
  const base = { depth: size.depth, width: size.width, steps: size.steps, batchSize: 64, seed: 1 };
  const configurations: DepthConfiguration[] = [
    { ...base, id: `plain-critical-${size.depth}`, scheme: 'critical', residual: false, optimizer: 'momentum', learningRate: defaultLearningRate('critical', size.depth), schedule: 'cosine' },
    { ...base, id: `plain-default-${size.depth}`, scheme: 'default', residual: false, optimizer: 'momentum', learningRate: defaultLearningRate('default', size.depth), schedule: 'cosine' },
    { ...base, id: `residual-reZero-${size.depth}`, scheme: 'reZero', residual: true, optimizer: 'adam', learningRate: defaultLearningRate('reZero', size.depth), schedule: 'constant' },
  ];
  const records: DepthRecord[] = [];
  for (const configuration of configurations) {
    elements.status.textContent = `depth: training ${configuration.id} (${size.steps} steps)…`;
    records.push(await runDepthRecord(configuration, data));
    elements.accuracy.innerHTML = await renderSvg(
      groupedBarsSpec(records.map((record) => ({ group: `depth ${record.depth}`, bar: record.id, value: record.testAccuracy })), {
        title: 'Test accuracy', groupTitle: 'net', valueTitle: 'test accuracy', ruleAt: 0.9, ruleLabel: '90 %',
      }),
    );
    elements.loss.innerHTML = await renderSvg(
      overlayCurvesSpec(records.map((record) => ({ name: record.id, points: record.losses.map((point) => ({ x: point.step, y: point.loss })) })), {
        title: 'Training loss', xTitle: 'step', yTitle: 'loss (log)', yScale: 'log',
      }),
    );
  }
  elements.status.textContent = `depth: ${records.map((record) => `${record.id} ${(record.testAccuracy * 100).toFixed(0)} %`).join(' · ')}`;
  elements.status.dataset.state = 'done';
  return records;
}
