#!/usr/bin/env bash
# Refreshes testdata/ from the read-only ../shared folder (run by hand, never by
# the build): the family fixtures, the trained models with their references, the trainer reference,
# the BPE tokenizer with its token streams, the real tokenizers and their reference encodings.
# Tokenizer files over 1 MB are stored gzip-compressed (tokenizer.json.gz); the tests unpack them
# (dev.depthscope.core.TestData). Left out: data/brown-train.txt (no test reads it; its token
# stream brown-train.u16 is kept) and the docs and hooks.
set -euo pipefail
cd "$(dirname "$0")"
src=${1:-../../shared}
[[ -d $src/fixtures ]] || { echo "no shared folder at $src" >&2; exit 2; }
items=(fixtures trained trainer-reference data/brown-eval.txt data/brown-bpe-4096 data/tokenizers)
for item in "${items[@]}"; do
  rm -rf "./$item"
  mkdir -p "$(dirname "./$item")"
  cp -r "$src/$item" "./$item"
done
chmod -R u+w .
find . -name tokenizer.json -size +1M -exec gzip -n -9 {} \;
# The real-vocabulary Qwen3 fixture ships the real Qwen3 tokenizer: one copy, linked.
cmp <(zcat fixtures/qwen3-realvocab-bf16/tokenizer.json.gz) <(zcat data/tokenizers/qwen3/tokenizer.json.gz)
ln -sf ../../data/tokenizers/qwen3/tokenizer.json.gz fixtures/qwen3-realvocab-bf16/tokenizer.json.gz
du -sh --apparent-size .
