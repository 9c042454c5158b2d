#!/usr/bin/env bash
# depthscope benchmarks: prints a table and writes bench/results.json. Not part of the tests.
#
#   bench/run.sh [--skip-8b] [--skip-peer]
#
# Each figure is the median of several runs, next to this machine's float32 matmul rate and the
# figures of the peer a user would otherwise script (Hugging Face transformers on CPU, run from a
# virtualenv this script makes under bench/.venv). Models with random weights are generated in a
# temporary directory (BENCH_WORK, default /tmp/depthscope-bench) and deleted afterwards; the
# Llama-3-8B-shaped one needs about 16 GB of disk.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="${BENCH_WORK:-/tmp/depthscope-bench}"
skip8b=false
skippeer=false
for a in "$@"; do
  case "$a" in
    --skip-8b) skip8b=true ;;
    --skip-peer) skippeer=true ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
figures="$work/figures.jsonl"
: > "$figures"
ds() { "$root/depthscope" "$@"; }
record() { tee -a "$figures"; }

if [[ ! -f "$root/analyzer-cli/target/depthscope.jar" ]]; then
  (cd "$root" && mvn -B -q package -DskipTests)
fi

echo "== machine" >&2
python_ok=false
if command -v python3 >/dev/null; then python_ok=true; fi
printf '{"cores": %s, "cpu": "%s"}\n' "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//; s/"/\\"/g')" | record

echo "== 130M-shaped model (12 x 768, vocab 32000), float32 and bfloat16 copies" >&2
ds bench make-model --out "$work/m130" >/dev/null
ds bench make-model --dtype BF16 --out "$work/m130-bf16" >/dev/null
ds bench ids --batch 4 --seq 256 --out "$work/ids-4x256.json"
ds bench ids --batch 4 --seq 512 --out "$work/ids-4x512.json"
ds bench ids --batch 1 --seq 64 --vocab 128256 --out "$work/ids-1x64.json"

echo "== 1. forward vs matmul rate" >&2
ds bench matmul --m 1024 --k 768 --n 2048 | record
ds bench forward "$work/m130" --ids "$work/ids-4x256.json" | record
echo "== 2. pruning sweep vs naive" >&2
ds bench sweep "$work/m130" --ids "$work/ids-4x512.json" | record
echo "== 4. trainer" >&2
ds bench train-rate --out "$work/train" | record
echo "== 5. open a 2 GB checkpoint" >&2
ds bench make-model --layers 40 --out "$work/m2g" >/dev/null
ds bench open "$work/m2g" | record
rm -rf "$work/m2g"
echo "== 6. whole audit, 4 x 512 tokens" >&2
t=()
for i in 1 2 3; do
  s=$(date +%s.%N)
  ds audit "$work/m130" --token-ids "$work/ids-4x512.json" --batch 4 --quiet --no-report \
    --resident --force --out "$work/audit130" >/dev/null
  t+=("$(echo "$(date +%s.%N) - $s" | bc)")
done
printf '%s\n' "${t[@]}" | sort -n | sed -n 2p | awk '{printf "{\"audit_seconds\": %s}\n", $1}' | record

echo "== 7. removal search (--search all --remove-up-to 8) vs 8 separate sweeps, 4 x 512 tokens" >&2
# A greedy search without shared prefixes is one full sweep per step: K sweeps.
s=$(date +%s.%N)
ds audit "$work/m130" --token-ids "$work/ids-4x512.json" --batch 4 --quiet --no-report \
  --resident --search all --remove-up-to 8 --force --out "$work/search130" >/dev/null
search_wall=$(echo "$(date +%s.%N) - $s" | bc)
python3 - "$work/search130/audit.json" "$work/audit130/audit.json" "$search_wall" <<'PY' | record
import json, sys
a = json.load(open(sys.argv[1])); plain = json.load(open(sys.argv[2]))
k = a["removal_search"]["remove_up_to"]
print(json.dumps({
    "search_block_evaluations": a["removal_search"]["block_evaluations"],
    "search_k_sweeps_block_evaluations": k * plain["sweep"]["block_evaluations"],
    "search_seconds": a["timings"]["joint_removal_seconds"],
    "search_k_sweeps_seconds": k * plain["timings"]["nll_sweep_seconds"],
    "search_audit_wall_seconds": float(sys.argv[3]),
}))
PY

if [[ "$skippeer" == false && "$python_ok" == true ]]; then
  echo "== transformers peer (virtualenv bench/.venv)" >&2
  if [[ ! -x "$here/.venv/bin/python" ]]; then
    # System site packages: reuse a torch/transformers that is already installed.
    python3 -m venv --system-site-packages "$here/.venv"
  fi
  if ! "$here/.venv/bin/python" -c "import torch, transformers, safetensors" 2>/dev/null; then
    "$here/.venv/bin/pip" install -q torch transformers safetensors
  fi
  py="$here/.venv/bin/python"
  "$py" "$here/hf_peer.py" forward "$work/m130" --ids "$work/ids-4x256.json" 2>/dev/null | record
  "$py" "$here/hf_peer.py" naive-audit "$work/m130" --ids "$work/ids-4x512.json" --repeats 3 \
    2>/dev/null | record
  "$py" "$here/hf_peer.py" naive-audit "$work/m130-bf16" --ids "$work/ids-4x512.json" \
    --dtype bf16 --repeats 3 2>/dev/null | record
elif [[ "$python_ok" == false ]]; then
  echo "python3 not found: the transformers peer figures are skipped" >&2
fi

if [[ "$skip8b" == false ]]; then
  echo "== 3. Llama-3-8B-shaped bf16 checkpoint (~16 GB), streamed audit on 64 tokens" >&2
  ds bench make-model --layers 32 --hidden 4096 --heads 32 --kv-heads 8 --intermediate 14336 \
    --vocab 128256 --dtype BF16 --out "$work/m8b" >/dev/null
  /usr/bin/time -v -o "$work/time-8b.txt" "$root/depthscope" audit "$work/m8b" \
    --token-ids "$work/ids-1x64.json" --quiet --no-report --force --out "$work/audit8b" >/dev/null
  rss_kb=$(grep "Maximum resident set size" "$work/time-8b.txt" | awk '{print $NF}')
  wall=$(grep "Elapsed (wall clock)" "$work/time-8b.txt" | awk '{print $NF}')
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  printf '{"stream_8b_peak_rss_gb": %s, "stream_8b_seconds": %s}\n' \
    "$(echo "scale=3; $rss_kb / 1048576" | bc)" "$secs" | record
  echo "== 8. prune the 8B-shaped checkpoint (8 of 32 blocks)" >&2
  rm -rf "$work/m8b-pruned"
  /usr/bin/time -v -o "$work/time-prune.txt" "$root/depthscope" prune "$work/m8b" --drop 8-15 \
    --out "$work/m8b-pruned" --quiet >/dev/null
  rss_kb=$(grep "Maximum resident set size" "$work/time-prune.txt" | awk '{print $NF}')
  wall=$(grep "Elapsed (wall clock)" "$work/time-prune.txt" | awk '{print $NF}')
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  printf '{"prune_8b_peak_rss_gb": %s, "prune_8b_seconds": %s}\n' \
    "$(echo "scale=3; $rss_kb / 1048576" | bc)" "$secs" | record
  rm -rf "$work/m8b" "$work/m8b-pruned"
fi

ds bench summarize --in "$figures" --out "$here/results.json"
