#!/usr/bin/env python3
"""lm-evaluation-harness on a multiple-choice JSONL file, once per model directory: the peer
half of bench/mc_vs_lmeval.sh (run by hand). Prints one JSON line per model: the wall-clock
and CPU seconds of that evaluation (model load included, as a separate `lm_eval` run would pay it),
acc and acc_norm.

    python3 bench/mc_lmeval_sweep.py QUESTIONS.jsonl MODEL_DIR [MODEL_DIR ...]

The task is a plain multiple_choice task (doc_to_text the question, doc_to_choice the choices,
target_delimiter " "); the model runs in float32 on the CPU with batch size 16.
"""

import json
import sys
import time


def main():
    questions, models = sys.argv[1], sys.argv[2:]
    import lm_eval
    from lm_eval.models.huggingface import HFLM

    task = {
        "task": "ds_mc_bench",
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": questions}},
        "test_split": "test",
        "output_type": "multiple_choice",
        "doc_to_text": "{{question}}",
        "doc_to_choice": "{{choices}}",
        "doc_to_target": "{{answer}}",
        "metric_list": [
            {"metric": "acc", "aggregation": "mean", "higher_is_better": True},
            {"metric": "acc_norm", "aggregation": "mean", "higher_is_better": True},
        ],
    }
    for m in models:
        t0 = time.perf_counter()
        c0 = time.process_time()
        lm = HFLM(pretrained=m, dtype="float32", batch_size=16, device="cpu")
        out = lm_eval.simple_evaluate(
            model=lm, tasks=[task], num_fewshot=0, bootstrap_iters=0, verbosity="ERROR"
        )
        r = out["results"]["ds_mc_bench"]
        print(
            json.dumps(
                {
                    "model": m,
                    "seconds": time.perf_counter() - t0,
                    "cpu_seconds": time.process_time() - c0,
                    "acc": r["acc,none"],
                    "acc_norm": r["acc_norm,none"],
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
