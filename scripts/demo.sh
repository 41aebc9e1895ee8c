#!/usr/bin/env bash
# Quick start: installs the dependencies, builds sluice (Release, build/) and
# runs the demo server, which logs WARNING and above to the console, every
# record as text to out/demo/app.log, as JSON lines to out/demo/app.jsonl and
# in binary to out/demo/app.slog (and zstd-compressed to app.slog.zst); then
# decodes the binary logs to JSON Lines with sluice-decode and checks that
# they hold the same records as app.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target sluice-demo sluice-decode

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

echo
decoded=$out/app.slog.jsonl
echo "== build/tools/sluice-decode/sluice-decode $out/app.slog > $decoded"
build/tools/sluice-decode/sluice-decode "$out/app.slog" >"$decoded"
jq empty "$decoded"
# Same records, in the same order, as the live JSON sink wrote.
if ! cmp -s <(jq -c '[.timestamp, .level, .logger_name, .message]' "$decoded") \
            <(jq -c '[.timestamp, .level, .logger_name, .message]' "$out/app.jsonl"); then
  echo "demo.sh: the decoded binary log differs from $out/app.jsonl" >&2
  exit 1
fi
if ! cmp -s "$decoded" <(build/tools/sluice-decode/sluice-decode "$out/app.slog.zst"); then
  echo "demo.sh: $out/app.slog.zst does not decode to what $out/app.slog does" >&2
  exit 1
fi
echo "== $(wc -l <"$decoded") records decoded from $(wc -c <"$out/app.slog") bytes of binary log," \
  "($(wc -c <"$out/app.slog.zst") bytes compressed, app.slog.zst), the same as app.jsonl;" \
  "the errors, through jq:"
jq -c 'select(.level == "ERROR") | {timestamp, logger_name, message, exception_message}' "$decoded"
