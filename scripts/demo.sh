#!/usr/bin/env bash
# Quick start: installs the dependencies, builds sluice (Release, build/) and
# runs the demo server, which logs WARNING and above to the console; every
# record as text to out/demo/app.log, errors to errors.log and the http tree
# to requests.log (all three rotated small and compressed, as servers do);
# every record as JSON lines to out/demo/app.jsonl, in binary to the rotated
# set out/demo/app.slog* and zstd-compressed to archive.slog.zst. Then it
# decodes the binary logs to JSON Lines with sluice-decode and checks that
# they hold the same records as app.jsonl, and that the password, card number
# and API key the demo logs on purpose were redacted from every file.
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
echo "== $out: general (app.log), errors and requests logs rotate as they grow, old parts zstd-compressed:"
ls "$out"
echo
echo "== $out/app.log (the active file): $(wc -l <"$out/app.log") lines; the first 3:"
head -n 3 "$out/app.log"
echo "== zstdcat $out/app.log.1.zst | sed -n 1,2p   (rotated text logs are plain zstd)"
zstdcat "$out/app.log.1.zst" | sed -n 1,2p  # sed reads it all: no SIGPIPE under pipefail
echo
echo "== $out/app.jsonl: $(wc -l <"$out/app.jsonl") lines; the first 3 through jq:"
jq empty "$out/app.jsonl"  # fails loudly if any line is not valid JSON
head -n 3 "$out/app.jsonl" | jq -c .

echo
decoded=$out/decoded.jsonl  # not app.slog.*: the glob below would take it in
echo "== build/tools/sluice-decode/sluice-decode $out/app.slog* > $decoded   (the rotated set, in order)"
build/tools/sluice-decode/sluice-decode "$out"/app.slog* >"$decoded"
jq empty "$decoded"
# Same records, in the same order, as the live JSON sink wrote.
if ! cmp -s <(jq -c '[.timestamp, .level, .logger_name, .message]' "$decoded") \
            <(jq -c '[.timestamp, .level, .logger_name, .message]' "$out/app.jsonl"); then
  echo "demo.sh: the decoded binary log differs from $out/app.jsonl" >&2
  exit 1
fi
if ! cmp -s "$decoded" <(build/tools/sluice-decode/sluice-decode "$out/archive.slog.zst"); then
  echo "demo.sh: $out/archive.slog.zst does not decode to what $out/app.slog* does" >&2
  exit 1
fi
# The demo logs a password, a card number and an API key on purpose: redaction
# must have removed them from every file, the binary log included.
if grep -qE 'hunter2|4111 1111|sk_live_' "$out"/app.log "$out"/app.jsonl "$decoded"; then
  echo "demo.sh: a secret reached a log file" >&2
  exit 1
fi
echo "== $(wc -l <"$decoded") records decoded from $(cat "$out"/app.slog* | wc -c) bytes of rotated binary log" \
  "($(wc -c <"$out/archive.slog.zst") bytes in archive.slog.zst, compressed as written), the same as app.jsonl;" \
  "no secret in any of them; the redacted records, then the errors, through jq:"
jq -c 'select(.logger_name == "app.auth") | {message, api_key}' "$decoded"
jq -c 'select(.level == "ERROR") | {timestamp, logger_name, message, exception_message}' "$decoded"
