#!/usr/bin/env bash
# Spark scaling benchmark (issue 17). Not part of the tests.
#
#   bench/spark.sh            # writes bench/spark-results.json and prints it
#
# The 130M-shaped bench model (12 x 768, float32, random weights) audited on 4 x 512 tokens in
# batches of one sequence (4 chunks), three ways, each the median of REPEATS (default 3) runs:
#   single  ./depthscope audit, one process, libtorch's default two threads
#   local1  ./depthscope-spark audit --spark local[1]: one task at a time, one libtorch thread
#   local2  ./depthscope-spark audit --spark local[2]: two tasks side by side, one thread each
# Scaling efficiency = sweep(local1) / (2 * sweep(local2)). From local1's sweep the script derives
# the float32 rate of one thread on the audit's work, and from it the on-paper time of a 70B audit
# (Llama-3-70B shape) on 32k tokens with N nodes (README, "Audits on Spark").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="${BENCH_WORK:-/tmp/depthscope-bench-spark}"
repeats="${REPEATS:-3}"
mkdir -p "$work"
if [[ ! -f "$root/analyzer-cli/target/depthscope.jar" || ! -f "$root/cluster/target/depthscope-spark.jar" ]]; then
  (cd "$root" && mvn -B -q package -DskipTests)
fi
[[ -d "$work/m130" ]] || "$root/depthscope" bench make-model --out "$work/m130" >/dev/null
[[ -f "$work/ids-4x512.json" ]] || "$root/depthscope" bench ids --batch 4 --seq 512 --out "$work/ids-4x512.json"
common=("$work/m130" --token-ids "$work/ids-4x512.json" --batch 1 --quiet --no-report --force)

run() { # name, launcher, extra args...
  local name="$1" launcher="$2"
  shift 2
  for i in $(seq 1 "$repeats"); do
    local s
    s=$(date +%s.%N)
    "$launcher" audit "${common[@]}" --out "$work/$name-$i" "$@" >/dev/null
    echo "$(date +%s.%N) - $s" | bc > "$work/$name-$i/wall"
  done
}
echo "== single process, 2 threads" >&2
run single "$root/depthscope"
echo "== local[1], 1 thread per task" >&2
run local1 "$root/depthscope-spark" --spark 'local[1]' --spark-partitions 1
echo "== local[2], 1 thread per task" >&2
run local2 "$root/depthscope-spark" --spark 'local[2]' --spark-partitions 2

python3 - "$work" "$repeats" <<'PY' | tee "$here/spark-results.json"
import json, statistics, sys
work, repeats = sys.argv[1], int(sys.argv[2])

def runs(name):
    out = []
    for i in range(1, repeats + 1):
        a = json.load(open(f"{work}/{name}-{i}/audit.json"))
        t = a["timings"]
        sweep = t.get("spark_sweep_seconds", t["nll_sweep_seconds"])
        out.append({"wall": float(open(f"{work}/{name}-{i}/wall").read()), "sweep": sweep, "audit": a})
    return out

fig = {}
for name in ("single", "local1", "local2"):
    r = runs(name)
    fig[name] = {
        "wall_seconds": statistics.median(x["wall"] for x in r),
        "sweep_seconds": statistics.median(x["sweep"] for x in r),
    }
    audit = r[0]["audit"]
fig["scaling_efficiency_sweep"] = fig["local1"]["sweep_seconds"] / (2 * fig["local2"]["sweep_seconds"])
fig["scaling_efficiency_wall"] = fig["local1"]["wall_seconds"] / (2 * fig["local2"]["wall_seconds"])
fig["local2_vs_single_sweep"] = fig["single"]["sweep_seconds"] / fig["local2"]["sweep_seconds"]

# FLOPs of the sweep: per token and block evaluation 2 * block parameters + causal attention
# (QK^T and AV over T/2 positions on average); per scored state the LM head 2 * D * V.
def block_flops(d, kv, ffn, t):
    return 2 * (2 * d * d + 2 * d * kv + 3 * d * ffn) + 4 * (t / 2) * d
a = audit
L, T, rows = a["model"]["layers"], a["eval"]["seq_len"], a["eval"]["sequences"]
bench_block = block_flops(768, 768, 2048, T)
evals = a["sweep"]["block_evaluations"]        # per batch of one row: L(L+1)/2
states = a["sweep"]["batches"] * (L + 1)
flops = evals * T * bench_block + states * T * 2 * 768 * 32000
rate = flops / fig["local1"]["sweep_seconds"]  # one thread
fig["one_thread_gflops"] = rate / 1e9
fig["seconds_per_block_token_130m"] = fig["local1"]["sweep_seconds"] / (evals * T)

# 70B (Llama-3-70B: 80 x 8192, 8 KV heads of 128, FFN 28672, vocab 128256) on 32768 tokens in
# windows of 512: per window L(L+1)/2 block evaluations and L+1 states through the head.
L70, T70, tokens = 80, 512, 32768
seqs = tokens // T70
f70 = seqs * (L70 * (L70 + 1) // 2) * T70 * block_flops(8192, 1024, 28672, T70) \
    + seqs * (L70 + 1) * T70 * 2 * 8192 * 128256
fig["audit_70b_32k_flops"] = f70
cores = 64
fig["audit_70b_32k_hours"] = {
    f"{n}_nodes_of_{cores}_cores": f70 / (rate * cores * n * fig["scaling_efficiency_sweep"]) / 3600
    for n in (1, 8, 32, 64)}
print(json.dumps(fig, indent=2))
PY
