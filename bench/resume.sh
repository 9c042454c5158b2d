#!/usr/bin/env bash
# Resume figures (not part of the tests): a streamed audit of the 130M-shaped bench model on
# 16 x 256 tokens in batches of 2 (8 batches, so 8 chunks of one batch), run
#   1. uninterrupted,
#   2. killed with SIGKILL at about half its wall time, then resumed with --resume,
# and prints the wall times, the chunks the killed run had journaled, what the resume took from
# the journal, and whether the two audit.json files agree to the bit (metrics, intervals, summary,
# sweep). Compare the uninterrupted time with the "whole audit" figure of an unchunked build for the
# streaming overhead of chunking.
#
#   bench/resume.sh            (BENCH_WORK as for run.sh, default /tmp/depthscope-bench)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
work="${BENCH_WORK:-/tmp/depthscope-bench}/resume"
mkdir -p "$work"
ds() { "$root/depthscope" "$@"; }
[[ -d "$work/m130" ]] || ds bench make-model --out "$work/m130" >/dev/null
[[ -f "$work/ids.json" ]] || ds bench ids --batch 16 --seq 256 --out "$work/ids.json"
common=(audit "$work/m130" --token-ids "$work/ids.json" --batch 2 --no-report --force)
now() { date +%s.%N; }

rm -rf "$work/full" "$work/killed" "$work"/.killed.*
s=$(now); ds "${common[@]}" --quiet --out "$work/full" >/dev/null; e=$(now)
full=$(echo "$e - $s" | bc)
echo "uninterrupted: $full s"

s=$(now)
ds "${common[@]}" --quiet --out "$work/killed" >/dev/null 2>"$work/killed.err" &
pid=$!
sleep "$(echo "$full / 2" | bc -l)"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
k=$(now)
chunks=$(ls "$work/.killed.journal" | grep -c '^chunk-' || true)
echo "killed after $(echo "$k - $s" | bc) s with $chunks of 8 chunks journaled"
s=$(now); ds "${common[@]}" --out "$work/killed" --resume >/dev/null 2>"$work/resumed.err"; e=$(now)
echo "resumed: $(echo "$e - $s" | bc) s; $(grep 'taken from the journal' "$work/resumed.err")"
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
a = json.load(open(w + "/full/audit.json"))
b = json.load(open(w + "/killed/audit.json"))
for k in ["metrics", "uncertainty", "summary", "sweep"]:
    print(k, "identical" if json.dumps(a[k]) == json.dumps(b[k]) else "DIFFERENT")
PY
