#!/usr/bin/env python3
"""Logit-lens reference of every fixture, run by hand (never by the build or the tests).

For each fixture under testdata/fixtures, on the input_ids of its reference/activations.safetensors,
the float32 transformers forward gives h_0..h_{L-1} (hidden_states[l], the block inputs) and the
logits of the full model. Layer l < L is decoded as lm_head(model.norm(h_l)); layer L is the model's
own logits. Per layer: the mean next-token NLL (nats, float64 log-softmax of the float32 logits) over
positions 0..T-2 of every row, and the share of those positions whose argmax equals the full model's.

    pip install torch transformers safetensors
    python3 testdata/mechanism/make_logit_lens_reference.py   # writes logit-lens-reference.json
"""
import json
import pathlib

import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
NAMES = [
    "llama-tiny-bf16", "llama-tiny-sharded-fp32", "llama3-long-bf16", "mistral-tiny-fp16-swa",
    "qwen2-tiny-tied", "qwen3-tiny-bf16", "qwen3-realvocab-bf16",
    "mixtral-tiny-fp32", "qwen3-moe-tiny-bf16", "deepseek-v2-tiny-fp32", "deepseek-v3-tiny-bf16",
]


def lens(logits, ids, full_top1):
    logp = torch.log_softmax(logits[:, :-1].double(), dim=-1)
    nll = -logp.gather(-1, ids[:, 1:, None]).squeeze(-1)
    top1 = logits[:, :-1].argmax(-1)
    return nll.mean().item(), (top1 == full_top1).double().mean().item(), top1


def main():
    out = {}
    torch.manual_seed(0)
    for name in NAMES:
        d = FIXTURES / name
        ids = load_file(str(d / "reference/activations.safetensors"))["input_ids"].long()
        model = AutoModelForCausalLM.from_pretrained(str(d), dtype=torch.float32).eval()
        with torch.no_grad():
            o = model(input_ids=ids, output_hidden_states=True)
            layers = model.config.num_hidden_layers
            full_top1 = o.logits[:, :-1].argmax(-1)
            nlls, agree = [], []
            for l in range(layers):
                logits = model.lm_head(model.model.norm(o.hidden_states[l]))
                n, a, _ = lens(logits, ids, full_top1)
                nlls.append(n)
                agree.append(a)
            n, a, _ = lens(o.logits, ids, full_top1)
            nlls.append(n)
            agree.append(a)
        out[name] = {"logit_lens_nll": nlls, "logit_lens_top1_agreement": agree}
        print(name, ["%.4f" % x for x in nlls], ["%.3f" % x for x in agree])
    (HERE / "logit-lens-reference.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
