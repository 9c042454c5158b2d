#!/usr/bin/env bash
# The multiple-choice sweep (baseline + every removed block) of depthscope against
# lm-evaluation-harness run L+1 times (the model, then each `depthscope prune --drop l` output)
# on the same questions. Run by hand, not part of the tests:
#
#   bench/mc_vs_lmeval.sh [MODEL_DIR] [QUESTIONS]
#
# Defaults: the trained 24-layer Pre-LN model and 200 cloze questions made by
# testdata/mc/make_reference.py --cloze 200. Needs python3 with lm-eval 0.4.13 (pip install
# --no-deps lm-eval==0.4.13, plus accelerate datasets dill more_itertools sacrebleu scikit-learn
# peft zstandard numexpr tqdm torch transformers) and the jar (mvn -B -q package -DskipTests).
# Prints both wall-clock and CPU times (CPU time is the fairer figure on a shared machine) and the largest difference between depthscope's acc / acc_norm per
# removed block and lm-eval's on the pruned model. Work files: BENCH_WORK (default
# /tmp/depthscope-mc-bench), deleted at the end unless KEEP=1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
model="${1:-$root/testdata/trained/llama-24L-brown-pre}"
work="${BENCH_WORK:-/tmp/depthscope-mc-bench}"
rm -rf "$work"
mkdir -p "$work"
questions="${2:-$work/cloze200.jsonl}"
if [[ ! -f "$questions" ]]; then
  python3 "$root/testdata/mc/make_reference.py" --cloze 200 --out "$questions"
fi
layers=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['num_hidden_layers'])" \
  "$model/config.json")

echo "== depthscope audit --mc ($layers layers, $(wc -l < "$questions") questions)"
t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$work/ds.cpu" \
  "$root/depthscope" audit "$model" --mc "$questions" --no-report --quiet --out "$work/ds" > /dev/null
t1=$(date +%s.%N)
ds_total=$(python3 -c "print(f'{$t1-$t0:.1f}')")
ds_cpu=$(awk '{printf "%.1f", $1 + $2}' "$work/ds.cpu")
ds_mc=$(python3 -c "import json;print(f\"{json.load(open('$work/ds/audit.json'))['timings']['mc_sweep_seconds']:.1f}\")")

echo "== lm-eval, $((layers + 1)) evaluations"
dirs=("$model")
for ((l = 0; l < layers; l++)); do
  "$root/depthscope" prune "$model" --drop "$l" --out "$work/pruned-$l" --quiet > /dev/null
  dirs+=("$work/pruned-$l")
done
t2=$(date +%s.%N)
OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}" HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 \
  python3 "$here/mc_lmeval_sweep.py" "$questions" "${dirs[@]}" > "$work/lmeval.jsonl"
t3=$(date +%s.%N)
le_total=$(python3 -c "print(f'{$t3-$t2:.1f}')")

python3 - "$work/ds/audit.json" "$work/lmeval.jsonl" "$ds_total" "$ds_mc" "$le_total" "$ds_cpu" <<'PY'
import json, sys
audit = json.load(open(sys.argv[1]))
runs = [json.loads(l) for l in open(sys.argv[2])]
mc = audit["mc"]
ds_acc = [mc["acc"]] + mc["pruned_acc"]
ds_norm = [mc["acc_norm"]] + mc["pruned_acc_norm"]
d_acc = max(abs(a - r["acc"]) for a, r in zip(ds_acc, runs))
d_norm = max(abs(a - r["acc_norm"]) for a, r in zip(ds_norm, runs))
per = [r["seconds"] for r in runs]
cpu = [r["cpu_seconds"] for r in runs]
print(f"depthscope audit --mc: {sys.argv[3]} s wall ({sys.argv[4]} s MC sweep), {sys.argv[6]} s CPU")
print(f"lm-eval x{len(runs)}: {sys.argv[5]} s wall, {sum(per)/len(per):.1f} s per evaluation;"
      f" {sum(cpu):.1f} s CPU, {sum(cpu)/len(cpu):.1f} s per evaluation")
print(f"baseline acc {mc['acc']:.4f} acc_norm {mc['acc_norm']:.4f};"
      f" largest |depthscope - lm-eval| over baseline and removals: acc {d_acc:.4f},"
      f" acc_norm {d_norm:.4f}")
PY
[[ "${KEEP:-0}" == 1 ]] || rm -rf "$work"
