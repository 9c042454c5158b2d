#!/usr/bin/env python3
"""Makes the multiple-choice question files of testdata/mc/ and lm-evaluation-harness's answers
on them (run by hand, never by the build or the tests).

    python3 testdata/mc/make_reference.py            # questions + references (needs lm-eval)
    python3 testdata/mc/make_reference.py --questions-only
    python3 testdata/mc/make_reference.py --cloze 200 --out /tmp/cloze200.jsonl   # bench input

Question files (deterministic, from testdata/data/brown-eval.txt, seed 15):
  cloze.jsonl     cloze questions: the first words of a sentence, the true next words and three
                  spans of other sentences; some contexts end in a space, some choices repeat
                  (ties), some hold non-ASCII text (acc_norm counts characters, not bytes)
  long.jsonl      the same with a passage of several thousand characters before the sentence:
                  longer than the models' 512 positions, so lm-eval truncates from the left
  mmlu-test.csv   MMLU-style rows (question, A, B, C, D, answer letter), no header
  mmlu-dev.csv    the few-shot pool for the 5-shot run (first 5 rows, in file order)

References (one file per model, lmeval-<model>.json): per set, lm-eval's acc and acc_norm and,
per question, each choice's summed log-likelihood (from --log_samples' resps), its continuation
token count (lm-eval's own _encode_pair) and the context string lm-eval built. The model runs
in float32 (model_args dtype=float32), as depthscope computes, with lm-eval's defaults
otherwise (no add_bos_token override, the max length from the config).
"""

import argparse
import csv
import gzip
import io
import json
import os
import random
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.dirname(HERE)
SUBJECT = "brown_corpus"
MODELS = {
    "llama-24L-brown-pre": "trained/llama-24L-brown-pre",
    "llama-24L-brown-lns": "trained/llama-24L-brown-lns",
    "llama-tiny-bf16": "fixtures/llama-tiny-bf16",
    "qwen3-realvocab-bf16": "fixtures/qwen3-realvocab-bf16",
}


def sentences():
    with open(os.path.join(TESTDATA, "data", "brown-eval.txt"), encoding="utf-8") as f:
        lines = [l.strip() for l in f if l.strip()]
    return lines


def cloze(rng, lines, count, passage_chars=0):
    """Cloze questions; with passage_chars, a passage of that many characters comes first."""
    good = [l for l in lines if len(l.split()) >= 14]
    out = []
    for q in range(count):
        i = rng.randrange(len(good))
        words = good[i].split()
        k = rng.randrange(5, len(words) - 4)
        n = rng.randrange(1, 4)
        question = " ".join(words[:k])
        answer = " ".join(words[k : k + n])
        choices = [answer]
        while len(choices) < 4:
            other = good[rng.randrange(len(good))].split()
            j = rng.randrange(0, len(other) - 3)
            span = " ".join(other[j : j + rng.randrange(1, 4)])
            if span not in choices:
                choices.append(span)
        rng.shuffle(choices)
        gold = choices.index(answer)
        if passage_chars:
            start = rng.randrange(len(lines) - 60)
            passage = []
            while sum(len(p) + 1 for p in passage) < passage_chars:
                passage.append(lines[start + len(passage)])
            question = " ".join(passage) + " " + question
        elif q % 7 == 3:
            question += " "  # lm-eval moves this space onto the continuation
        if not passage_chars and q % 9 == 4:
            # a repeated choice: both copies score the same; argmax takes the first
            dup = (gold + 1) % 4
            choices[dup] = choices[gold]
            if q % 2 == 0:
                gold = max(gold, dup)
        if not passage_chars and q % 11 == 5:
            choices[(gold + 2) % 4] = "caf\u00e9 \U0001F600"
        out.append({"question": question, "choices": choices, "answer": gold})
    return out


def mmlu_rows(rng, lines, count):
    good = [l for l in lines if 10 <= len(l.split()) <= 30]
    rows = []
    for q in range(count):
        words = good[rng.randrange(len(good))].split()
        k = rng.randrange(2, len(words) - 2)
        answer = words[k]
        blanked = " ".join(words[:k] + ["____"] + words[k + 1 :])
        question = "Which word fills the blank? " + blanked
        if q % 5 == 2:
            question = "  " + question + " \n"  # lm-eval's template strips the question
        choices = [answer]
        while len(choices) < 4:
            other = good[rng.randrange(len(good))].split()
            w = other[rng.randrange(len(other))]
            if w not in choices:
                choices.append(w)
        rng.shuffle(choices)
        rows.append([question] + choices + ["ABCD"[choices.index(answer)]])
    return rows


def write_jsonl(path, items):
    with open(path, "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def make_questions():
    rng = random.Random(15)
    lines = sentences()
    write_jsonl(os.path.join(HERE, "cloze.jsonl"), cloze(rng, lines, 40))
    write_jsonl(os.path.join(HERE, "long.jsonl"), cloze(rng, lines, 6, passage_chars=4000))
    write_csv(os.path.join(HERE, "mmlu-test.csv"), mmlu_rows(rng, lines, 24))
    write_csv(os.path.join(HERE, "mmlu-dev.csv"), mmlu_rows(rng, lines, 6))


def csv_as_json(src, dst):
    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    write_jsonl(
        dst,
        [{"question": r[0], "choices": r[1:5], "answer": "ABCD".index(r[5])} for r in rows],
    )


def model_dir(rel, tmp):
    """The model directory, with tokenizer.json unpacked when it is stored gzipped."""
    src = os.path.join(TESTDATA, rel)
    if not os.path.exists(os.path.join(src, "tokenizer.json.gz")):
        return src
    dst = os.path.join(tmp, os.path.basename(rel))
    os.makedirs(dst)
    for name in os.listdir(src):
        p = os.path.join(src, name)
        if name == "tokenizer.json.gz":
            with gzip.open(p, "rb") as fin, open(os.path.join(dst, "tokenizer.json"), "wb") as fo:
                shutil.copyfileobj(fin, fo)
        elif os.path.isfile(p):
            shutil.copy(p, dst)
    return dst


def tasks(tmp):
    mmlu_template = os.path.join(
        os.path.dirname(__import__("lm_eval").__file__),
        "tasks", "mmlu", "default", "_default_template_yaml",
    )
    csv_as_json(os.path.join(HERE, "mmlu-test.csv"), os.path.join(tmp, "mmlu-test.jsonl"))
    csv_as_json(os.path.join(HERE, "mmlu-dev.csv"), os.path.join(tmp, "mmlu-dev.jsonl"))

    def plain(name, file):
        return {
            "task": "ds_" + name,
            "dataset_path": "json",
            "dataset_kwargs": {"data_files": {"test": os.path.join(HERE, file)}},
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

    def mmlu(name):
        import yaml

        with open(mmlu_template, encoding="utf-8") as f:
            cfg = yaml.safe_load(f)
        cfg.update(
            {
                "task": "ds_" + name,
                "dataset_path": "json",
                "dataset_kwargs": {
                    "data_files": {
                        "test": os.path.join(tmp, "mmlu-test.jsonl"),
                        "dev": os.path.join(tmp, "mmlu-dev.jsonl"),
                    }
                },
                "description": "The following are multiple choice questions (with answers) about "
                + " ".join(SUBJECT.split("_"))
                + ".\n\n",
                "metric_list": [
                    {"metric": "acc", "aggregation": "mean", "higher_is_better": True},
                    {"metric": "acc_norm", "aggregation": "mean", "higher_is_better": True},
                ],
            }
        )
        return cfg

    return [
        ("cloze", plain("cloze", "cloze.jsonl"), 0),
        ("long", plain("long", "long.jsonl"), 0),
        ("mmlu-0shot", mmlu("mmlu0"), 0),
        ("mmlu-5shot", mmlu("mmlu5"), 5),
    ]


def args_of(sample):
    out = []
    for a in sample["arguments"]:
        if isinstance(a, dict):
            a = [a["arg_0"], a["arg_1"]]
        out.append(a)
    return out


def reference(name, rel, tmp):
    import lm_eval
    from lm_eval.models.huggingface import HFLM

    lm = HFLM(pretrained=model_dir(rel, tmp), dtype="float32", batch_size=16, device="cpu")
    result = {"model": rel, "lm_eval": lm_eval.__version__, "max_length": lm.max_length, "sets": {}}
    contexts = {}
    for set_name, cfg, shots in tasks(tmp):
        out = lm_eval.simple_evaluate(
            model=lm, tasks=[cfg], num_fewshot=shots, log_samples=True, bootstrap_iters=0
        )
        task = cfg["task"]
        metrics = out["results"][task]
        samples = sorted(out["samples"][task], key=lambda s: s["doc_id"])
        questions = []
        ctx_list = []
        for s in samples:
            pairs = args_of(s)
            lls = [float(r[0][0]) for r in s["resps"]]
            toks = [len(lm._encode_pair(c, k)[1]) for c, k in pairs]
            questions.append(
                {
                    "doc_id": s["doc_id"],
                    "loglik": lls,
                    "tokens": toks,
                    "acc": s["acc"],
                    "acc_norm": s["acc_norm"],
                }
            )
            ctx_list.append({"context": pairs[0][0], "continuations": [k for _, k in pairs]})
        result["sets"][set_name] = {
            "acc": metrics["acc,none"],
            "acc_norm": metrics["acc_norm,none"],
            "fewshot": shots,
            "questions": questions,
        }
        contexts[set_name] = ctx_list
    return result, contexts


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--questions-only", action="store_true")
    p.add_argument("--cloze", type=int, help="write N cloze questions to --out and stop")
    p.add_argument("--out")
    p.add_argument("--models", nargs="*", default=list(MODELS))
    a = p.parse_args()
    if a.cloze:
        write_jsonl(a.out, cloze(random.Random(200), sentences(), a.cloze))
        return
    make_questions()
    if a.questions_only:
        return
    with tempfile.TemporaryDirectory() as tmp:
        for name in a.models:
            result, contexts = reference(name, MODELS[name], tmp)
            with open(os.path.join(HERE, "lmeval-" + name + ".json"), "w", encoding="utf-8") as f:
                json.dump(result, f, ensure_ascii=False, indent=1)
                f.write("\n")
            if name == "llama-24L-brown-pre":
                with open(os.path.join(HERE, "lmeval-contexts.json"), "w", encoding="utf-8") as f:
                    json.dump(contexts, f, ensure_ascii=False, indent=1)
                    f.write("\n")
            print(name, {k: (v["acc"], v["acc_norm"]) for k, v in result["sets"].items()})


if __name__ == "__main__":
    sys.exit(main())
