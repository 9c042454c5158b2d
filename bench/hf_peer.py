"""The peer depthscope is measured against: what a user would script with Hugging Face
transformers on CPU. Prints one JSON object of figures.

  forward      model(ids, output_hidden_states=True), tokens/s (median of repeats)
  naive-audit  one forward with hidden states + the per-layer metrics, then one forward per
               removed layer (the layer replaced by the identity through a forward hook), NLLs
"""
import argparse
import json
import math
import statistics
import time

import torch
from transformers import AutoModelForCausalLM


def load(model_dir, dtype):
    torch_dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[dtype]
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch_dtype)
    model.eval()
    return model


def nll(model, ids):
    logits = model(ids).logits.float()
    return torch.nn.functional.cross_entropy(
        logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1)
    ).item()


def metrics(hidden):
    h = [x.double() for x in hidden]
    variance = [x.var(dim=-1, unbiased=False).mean().item() for x in h]
    ang = []
    for a, b in zip(h[:-1], h[1:]):
        cos = torch.nn.functional.cosine_similarity(a, b, dim=-1).clamp(-1, 1)
        ang.append((torch.arccos(cos) / math.pi).mean().item())
    return variance, ang


def naive_audit(model, ids):
    layers = model.model.layers
    out = model(ids, output_hidden_states=True)
    metrics(out.hidden_states)
    base = nll(model, ids)
    deltas = []
    for layer in layers:
        # Identity: the layer returns its input hidden states unchanged.
        hook = layer.register_forward_hook(
            lambda mod, args, output: (args[0],) + tuple(output[1:])
            if isinstance(output, tuple)
            else args[0]
        )
        deltas.append(nll(model, ids) - base)
        hook.remove()
    return base, deltas


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["forward", "naive-audit"])
    p.add_argument("model")
    p.add_argument("--ids", required=True)
    p.add_argument("--dtype", default="fp32", choices=["fp32", "bf16"])
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    ids = torch.tensor(json.load(open(a.ids)), dtype=torch.long)
    model = load(a.model, a.dtype)
    with torch.inference_mode():
        if a.mode == "forward":
            model(ids, output_hidden_states=True)
            times = []
            for _ in range(a.repeats):
                t0 = time.perf_counter()
                model(ids, output_hidden_states=True)
                times.append(time.perf_counter() - t0)
            s = statistics.median(times)
            print(json.dumps({f"hf_forward_{a.dtype}_seconds": s,
                              f"hf_forward_{a.dtype}_tokens_per_s": ids.numel() / s}))
        else:
            times = []
            for _ in range(a.repeats):
                t0 = time.perf_counter()
                naive_audit(model, ids)
                times.append(time.perf_counter() - t0)
            print(json.dumps({f"hf_audit_{a.dtype}_seconds": statistics.median(times)}))


if __name__ == "__main__":
    main()
