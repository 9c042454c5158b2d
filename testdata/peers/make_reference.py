"""Reference values of the peers' layer metrics (run by hand, never by the build or the tests).

For each model, runs the Hugging Face transformers forward in float32 with output_hidden_states
(whose last entry is h_L AFTER the model's final norm, as every peer reads it) and captures h_L
before the final norm (depthscope's convention, REFERENCE.md) with a hook on the final norm.
It then evaluates, in float64 on those float32 states, the formulas the peers' tools use
(docs/METRICS.md states them and names each tool's file and function; no tool code is reused):

  ShortGPT block influence   1 - cos(h_l, h_l+1) per position (a NaN cosine counts as 0.5),
                             summed over every position of every sequence (shortgpt/metrics.py
                             block_influence, summed by shortgpt/shortgpt.py compute_bi)
  Gromov / PruneMe angular   arccos(clamp(cos(h_l, h_l+n), -1, 1)) / pi at the last position of
                             each sequence, mean over the sequences (compute_block_similarity/utils.py)
  PruneMe block distances    the same with n = 1 over hidden_states[1:], as layer_similarity.py
                             calls it (its first entry is block 1, written 1-based as block_start 2)
  Paper heatmap              ShortGPT's angular option (last position, n layers ahead) laid out as
                             rows n = 1..L-1, columns l = 0..L-1, 0 where l + n > L; each row clipped
                             to its 1st..99th percentile (numpy's linear percentile) then min-max
                             scaled; cells l + n >= L are hidden (utils/angular_analysis.py of
                             lmsdss/LayerNorm-Scaling)

Writes testdata/peers/<model>.json. Usage, from the repository root:
  python3 testdata/peers/make_reference.py
"""
import json
import math
import pathlib

import numpy as np
import torch
from transformers import AutoModelForCausalLM

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = pathlib.Path(__file__).resolve().parent

# Dense fixtures: their reference input ids. Trained models: 16 windows of 128 tokens of the
# Brown eval stream (more sequences than their reference's 4, for the last-position metrics).
MODELS = {
    "fixtures/llama-tiny-bf16": None,
    "fixtures/qwen2-tiny-tied": None,
    "trained/llama-24L-brown-pre": (16, 128),
    "trained/llama-24L-brown-lns": (16, 128),
}


def input_ids(name, shape):
    if shape is None:
        from safetensors import safe_open

        path = ROOT / name / "reference" / "activations.safetensors"
        with safe_open(str(path), "pt") as f:
            return f.get_tensor("input_ids").long()
    rows, seq = shape
    stream = np.fromfile(ROOT / "data/brown-bpe-4096/brown-eval.u16", dtype="<u2")
    return torch.tensor(
        np.stack([stream[r * seq : (r + 1) * seq] for r in range(rows)]).astype(np.int64)
    )


def forward(name, ids):
    model = AutoModelForCausalLM.from_pretrained(ROOT / name, dtype=torch.float32)
    model.eval()
    captured = {}
    hook = model.model.norm.register_forward_pre_hook(
        lambda mod, args: captured.__setitem__("pre", args[0].detach().clone())
    )
    with torch.inference_mode():
        out = model(ids, output_hidden_states=True)
    hook.remove()
    post = [h.double() for h in out.hidden_states]
    pre = post[:-1] + [captured["pre"].double()]
    return pre, post


def cosine(a, b):
    return (a * b).sum(-1) / (a.norm(dim=-1) * b.norm(dim=-1))


def shortgpt_influence_sum(x, y):
    c = torch.nan_to_num(cosine(x, y), nan=0.5)
    return (1 - c).sum().item()


def angular_last(x, y):
    xn = x[:, -1] / x[:, -1].norm(dim=-1, keepdim=True)
    yn = y[:, -1] / y[:, -1].norm(dim=-1, keepdim=True)
    c = (xn * yn).sum(-1).clamp(-1, 1)
    return (torch.arccos(c) / math.pi).mean().item()


def normalize_rows(data, low=1, high=99):
    out = np.zeros_like(data, dtype=float)
    for i, row in enumerate(data):
        lo, hi = np.nanpercentile(row, low), np.nanpercentile(row, high)
        if lo == hi:
            continue
        clipped = np.clip(row, lo, hi)
        mn, mx = clipped.min(), clipped.max()
        if mx != mn:
            out[i] = (clipped - mn) / (mx - mn)
    return out


def main():
    for name, shape in MODELS.items():
        ids = input_ids(name, shape)
        pre, post = forward(name, ids)
        layers = len(pre) - 1
        positions = ids.numel()
        bi_sum = [shortgpt_influence_sum(pre[l], pre[l + 1]) for l in range(layers)]
        bi_sum_post = [shortgpt_influence_sum(post[l], post[l + 1]) for l in range(layers)]
        raw = np.zeros((layers - 1, layers))
        for n in range(1, layers):
            for l in range(layers + 1 - n):
                raw[n - 1, l] = angular_last(post[l], post[l + n])
        normed = normalize_rows(raw)
        heatmap = [
            [None if l + n >= layers else normed[n - 1, l] for l in range(layers)]
            for n in range(1, layers)
        ]
        result = {
            "model": name,
            "made_by": "testdata/peers/make_reference.py",
            "torch": torch.__version__,
            "input_ids": ids.tolist(),
            "positions": positions,
            "sequences": ids.shape[0],
            "angular_distance_last_token": [
                angular_last(pre[l], pre[l + 1]) for l in range(layers)
            ],
            "angular_distance_last_token_post_norm": [
                angular_last(post[l], post[l + 1]) for l in range(layers)
            ],
            "block_influence_sum": bi_sum,
            "block_influence_sum_post_norm": bi_sum_post,
            "block_influence_post_norm": [s / positions for s in bi_sum_post],
            "last_token_angular_to_output_post_norm": [
                angular_last(post[a], post[layers]) for a in range(layers)
            ],
            "pruneme_average_distance": [
                angular_last(post[1:][l], post[1:][l + 1]) for l in range(layers - 1)
            ],
            "shortgpt_removal_order": np.argsort(np.array(bi_sum_post), kind="stable").tolist(),
            "paper_heatmap_raw": raw.tolist(),
            "paper_heatmap": heatmap,
        }
        path = OUT / (name.split("/")[-1] + ".json")
        path.write_text(json.dumps(result) + "\n")
        print(path.relative_to(ROOT.parent), layers, "layers,", positions, "positions")


if __name__ == "__main__":
    main()
