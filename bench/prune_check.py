#!/usr/bin/env python3
"""Hand-run check that `depthscope prune` writes directories transformers loads and runs as the
original model with those blocks removed. Not part of the build or the tests (no Python there).

    python3 bench/prune_check.py [FIXTURES_DIR]     # default: testdata/fixtures and testdata/trained

For every fixture it prunes two sets with the project's own launcher (./depthscope prune), loads
the result with transformers' AutoModelForCausalLM (float32, eager attention, CPU), and compares
its next-token NLL on the fixture's reference ids with
  (a) transformers' original model with those decoder layers deleted from model.layers, and
  (b) depthscope's own trace of the pruned directory (./depthscope trace).
Prints the largest absolute NLL difference of each pair, per fixture and set.
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

ROOT = pathlib.Path(__file__).resolve().parent.parent


def nll(model, ids):
    with torch.no_grad():
        logits = model(input_ids=ids, use_cache=False).logits.float()
    logp = torch.log_softmax(logits[:, :-1], dim=-1)
    return -logp.gather(-1, ids[:, 1:, None]).squeeze(-1)


def load(path):
    return AutoModelForCausalLM.from_pretrained(
        path, torch_dtype=torch.float32, attn_implementation="eager"
    ).eval()


def main():
    dirs = [pathlib.Path(a) for a in sys.argv[1:]] or [
        ROOT / "testdata/fixtures",
        ROOT / "testdata/trained",
    ]
    fixtures = sorted(p for d in dirs for p in d.iterdir() if (p / "config.json").exists())
    worst = 0.0
    for fx in fixtures:
        layers = json.loads((fx / "config.json").read_text())["num_hidden_layers"]
        ids = load_file(str(fx / "reference/activations.safetensors"))["input_ids"][:2, :64]
        sets = [[layers // 2]] + ([[0, layers - 1]] if layers > 2 else [])
        for removed in sets:
            with tempfile.TemporaryDirectory() as tmp:
                out = pathlib.Path(tmp) / "pruned"
                subprocess.run(
                    [str(ROOT / "depthscope"), "prune", str(fx), "--drop",
                     ",".join(map(str, removed)), "--out", str(out), "--quiet"],
                    check=True,
                )
                pruned = nll(load(out), ids)
                original = load(fx)
                keep = [l for i, l in enumerate(original.model.layers) if i not in removed]
                original.model.layers = torch.nn.ModuleList(keep)
                for i, layer in enumerate(keep):  # cache and mask bookkeeping use the index
                    layer.self_attn.layer_idx = i
                original.config.num_hidden_layers = len(keep)
                if getattr(original.config, "layer_types", None):
                    types = original.config.layer_types
                    original.config.layer_types = [t for i, t in enumerate(types) if i not in removed]
                skipped = nll(original, ids)
                ids_file = pathlib.Path(tmp) / "ids.json"
                ids_file.write_text(json.dumps(ids.tolist()))
                trace = pathlib.Path(tmp) / "trace.safetensors"
                subprocess.run(
                    [str(ROOT / "depthscope"), "trace", str(out), "--token-ids", str(ids_file),
                     "--out", str(trace), "--quiet"],
                    check=True, stdout=subprocess.DEVNULL,
                )
                ours = load_file(str(trace))["token_nll"]
                d_hf = (pruned - skipped).abs().max().item()
                d_ds = (pruned - ours).abs().max().item()
                worst = max(worst, d_hf, d_ds)
                print(f"{fx.name:28s} removed {str(removed):10s} "
                      f"HF pruned vs HF skipped {d_hf:.2e}  HF pruned vs depthscope {d_ds:.2e}")
    print(f"largest difference {worst:.2e}")


if __name__ == "__main__":
    main()
