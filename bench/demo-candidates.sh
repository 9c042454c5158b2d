#!/usr/bin/env bash
# Trains demo candidates (not part of the tests): for each "LAYERS HIDDEN STEPS" candidate and each
# seed, runs `depthscope demo` with those settings under `nice -n 10` and /usr/bin/time, keeping
# DIR/<candidate>/seed<k>/ (models, audits, demo.json) and appending one line per run to
# DIR/runs.tsv: candidate, seed, wall s, user s, sys s, load average at the end, and each model's
# final eval loss, variance growth and ineffective blocks (from demo --json).
# Losses do not depend on machine load; wall time does. The CPU seconds (user + sys) are what a
# run costs; on a quiet machine the wall time is at most that (the lead re-times the default).
#
# Usage: bench/demo-candidates.sh DIR PARALLEL SEEDS "L D S" ["L D S" ...]
#   e.g. bench/demo-candidates.sh /tmp/demo-cands 3 "1 2 3" "24 64 200" "12 64 300"
# Uses the depthscope script beside this folder; copy the built tree elsewhere first if you keep
# building while it runs (a rebuilt jar breaks running JVMs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"; par="$2"; seeds="$3"; shift 3
mkdir -p "$out"
run_one() {
  local l="$1" d="$2" s="$3" seed="$4"
  local dir="$out/L$l-d$d-s$s/seed$seed"
  mkdir -p "$dir"
  /usr/bin/time -f "%e %U %S" -o "$dir/time.txt" nice -n 10 "$here/depthscope" demo \
    --layers "$l" --hidden "$d" --steps "$s" --seed "$seed" --out "$dir/run" --json \
    > "$dir/demo.json" 2> "$dir/demo.err" || { echo "failed: $dir" >&2; return 0; }
  python3 - "$dir" "$l" "$d" "$s" "$seed" "$(cut -d' ' -f1 /proc/loadavg)" >> "$out/runs.tsv" <<'PY'
import json, sys
d, l, h, s, seed, load = sys.argv[1:]
wall, user, sysc = open(d + "/time.txt").read().split()[-3:]
o = json.load(open(d + "/demo.json"))
cols = [f"L{l}-d{h}-s{s}", seed, wall, user, sysc, load]
for r in o["runs"]:
    a = r["audit_summary"]
    cols += [r["norm"], f"{r['final_eval_loss']:.4f}", f"{a['variance_growth']:.3f}",
             str(len(a["ineffective_layers"]))]
print("\t".join(cols))
PY
}
export -f run_one
export out here
for cand in "$@"; do
  for seed in $seeds; do
    echo "$cand $seed"
  done
done | xargs -P "$par" -L 1 bash -c 'run_one $0 $1 $2 $3'
