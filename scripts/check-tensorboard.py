#!/usr/bin/env python3
"""Open the TensorBoard event files this project writes with TensorBoard's own readers.

Usage (needs `pip install tensorboard`; CI cannot install it, so this is for a person who has it):

    python3 scripts/check-tensorboard.py report/tensorboard

For every run directory under the given folder it loads the events with TensorBoard's
`EventAccumulator` (what `tensorboard --logdir` reads, before plugins) and with the
`plugin_event_accumulator` (after TensorBoard's migration of legacy summaries to tensors), prints
what each holds, and exits non-zero when a run has no loss, no per-layer gradient norms, or a
histogram whose bucket counts do not add up to its number of values.
"""
import os
import sys

import tensorboard
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.backend.event_processing import plugin_event_accumulator
from tensorboard.util import tensor_util


def run_directories(root):
    for directory, _folders, files in sorted(os.walk(root)):
        if any(name.startswith("events.out.tfevents.") for name in files):
            yield directory


def check_run(directory):
    problems = []
    legacy = event_accumulator.EventAccumulator(directory, size_guidance=event_accumulator.STORE_EVERYTHING_SIZE_GUIDANCE)
    legacy.Reload()
    tags = legacy.Tags()
    scalars, histograms, tensors = tags["scalars"], tags["histograms"], tags["tensors"]
    print(f"{directory}: {len(scalars)} scalar tags, {len(histograms)} histogram tags, {len(tensors)} text/tensor tags")
    if "loss" not in scalars:
        problems.append("no 'loss' scalars")
    else:
        losses = legacy.Scalars("loss")
        print(f"  loss: {len(losses)} points, step {losses[0].step} -> {losses[-1].step}, last {losses[-1].value:.4g}")
    if not any(tag.startswith("gradientNorm/") for tag in scalars):
        problems.append("no 'gradientNorm/<layer>' scalars")
    for tag in histograms:
        for event in legacy.Histograms(tag):
            value = event.histogram_value
            if abs(sum(value.bucket) - value.num) > 0.5 or len(value.bucket) != len(value.bucket_limit):
                problems.append(f"histogram {tag} at step {event.step}: buckets add up to {sum(value.bucket)}, num {value.num}")
    for tag in tensors:
        text = tensor_util.make_ndarray(legacy.Tensors(tag)[0].tensor_proto)
        print(f"  {tag}: {str(text)[:100]!r}")

    # What the dashboards read: scalars and histograms migrated to tensors by data_compat.
    migrated = plugin_event_accumulator.EventAccumulator(directory, size_guidance={"tensors": 0})
    migrated.Reload()
    plugins = {plugin: len(migrated.PluginTagToContent(plugin)) for plugin in ("scalars", "histograms", "text") if plugin in migrated.ActivePlugins()}
    print(f"  dashboards: {plugins}")
    for tag in list(migrated.PluginTagToContent("histograms"))[:1] if "histograms" in plugins else []:
        buckets = tensor_util.make_ndarray(migrated.Tensors(tag)[-1].tensor_proto)
        print(f"  {tag} (last step) as TensorBoard draws it, [left, right, count] x {len(buckets)}: first {buckets[0].tolist()}")
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "report/tensorboard"
    print(f"TensorBoard {tensorboard.__version__}")
    runs = list(run_directories(root))
    if not runs:
        print(f"no events.out.tfevents.* files under {root}")
        return 1
    failures = 0
    for directory in runs:
        for problem in check_run(directory):
            failures += 1
            print(f"  PROBLEM: {problem}")
    print(f"{len(runs)} runs checked, {failures} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
