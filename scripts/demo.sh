#!/usr/bin/env bash
# Quick start: installs the dependencies, builds sluice (Release, build/) and
# runs the demo server, which logs WARNING and above to the console, every
# record as text to out/demo/app.log and as JSON lines to out/demo/app.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target sluice-demo

out=out/demo
rm -rf "$out"
echo "== build/tools/sluice-demo/sluice-demo --out $out   (console: WARNING and above)"
build/tools/sluice-demo/sluice-demo --out "$out"

echo
echo "== $out/app.log: $(wc -l <"$out/app.log") lines; the first 5:"
head -n 5 "$out/app.log"
echo
echo "== $out/app.jsonl: $(wc -l <"$out/app.jsonl") lines; the first 3 through jq:"
jq empty "$out/app.jsonl"  # fails loudly if any line is not valid JSON
head -n 3 "$out/app.jsonl" | jq -c .
