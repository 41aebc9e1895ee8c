#!/usr/bin/env bash
# run-demo.sh DEMO DECODE OUT: runs the demo server (the sluice-demo binary
# DEMO) into the directory OUT, shows what each sink wrote, decodes the
# binary logs with DECODE (sluice-decode) and checks them against the JSON
# sink's file, and checks that no secret the demo logs on purpose reached any
# file. Exits non-zero, with the reason on stderr, if a check fails.
# scripts/demo.sh (README's first command) runs it after building; ctest runs
# it as "sluice-demo: ..." (tests/CMakeLists.txt).
set -euo pipefail
if (($# != 3)); then
  echo "usage: run-demo.sh DEMO DECODE OUT" >&2
  exit 2
fi
demo=$1 decode=$2 out=$3
for tool in jq zstdcat; do
  command -v "$tool" >/dev/null || { echo "run-demo.sh: needs $tool (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

rm -rf "$out"
console=$(mktemp)
trap 'rm -f "$console"' EXIT
echo "== $demo --out $out   (console: WARNING and above)"
"$demo" --out "$out" 2>&1 | tee "$console"

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
# Oldest part first, so that records with equal timestamps decode in the
# order they were written (the decoder breaks ties by argument order).
slogs=("$out/app.slog")
for ((part = 1; part < 10000; part++)); do
  [[ -e $out/app.slog.$part.zst ]] || break
  slogs=("$out/app.slog.$part.zst" "${slogs[@]}")
done
echo "== $decode ${slogs[*]} > $decoded   (the rotated set, oldest first)"
"$decode" "${slogs[@]}" >"$decoded"
jq empty "$decoded"
# Same records, in the same order, as the live JSON sink wrote.
if ! cmp -s <(jq -c '[.timestamp, .level, .logger_name, .message]' "$decoded") \
            <(jq -c '[.timestamp, .level, .logger_name, .message]' "$out/app.jsonl"); then
  echo "run-demo.sh: the decoded binary log differs from $out/app.jsonl" >&2
  exit 1
fi
# Into a file, not <(...): a decoder that fails (a torn or corrupt end) must
# fail the check even when the records it printed before match.
archive=$out/decoded-archive.jsonl
"$decode" "$out/archive.slog.zst" >"$archive" ||
  { echo "run-demo.sh: $decode failed on $out/archive.slog.zst" >&2; exit 1; }
if ! cmp -s "$decoded" "$archive"; then
  echo "run-demo.sh: $out/archive.slog.zst does not decode to what $out/app.slog* does" >&2
  exit 1
fi
# The demo logs passwords, a card number and an API key on purpose: redaction
# must have removed them from every file (rotated and compressed parts, the
# binary logs, decompressed) and from the console.
secret='hunter2|s3cr3t-db|4111 1111|sk_live_'
text=$(mktemp)
trap 'rm -f "$console" "$text"' EXIT
for file in "$console" "$out"/*; do
  searched=$file
  if [[ $file == *.zst ]]; then
    zstdcat -q -- "$file" >"$text"
    searched=$text
  fi
  status=0
  grep -qaE "$secret" "$searched" || status=$?
  case $status in
    0) [[ $file == "$console" ]] && file="the console"
       echo "run-demo.sh: a secret reached $file" >&2; exit 1 ;;
    1) ;;
    *) echo "run-demo.sh: could not search $file" >&2; exit 1 ;;
  esac
done
# And the records that held them are there, redacted: not dropped whole.
expected_auth='{"message":"login user=***@example.com password=[REDACTED]","api_key":null}
{"message":"config db_password=[REDACTED]","api_key":null}
{"message":"payment declined card=[REDACTED] cvv=[REDACTED]","api_key":"[REDACTED]"}'
auth=$(jq -c 'select(.logger_name == "app.auth") | {message, api_key}' "$decoded")
if [[ $auth != "$expected_auth" ]]; then
  printf 'run-demo.sh: the app.auth records are not the redacted ones expected:\n%s\n' "$auth" >&2
  exit 1
fi
echo "== $(wc -l <"$decoded") records decoded from $(cat "${slogs[@]}" | wc -c) bytes of rotated binary log" \
  "($(wc -c <"$out/archive.slog.zst") bytes in archive.slog.zst, compressed as written), the same as app.jsonl;" \
  "no secret in any file; the redacted records, then the errors, through jq:"
echo "$auth"
jq -c 'select(.level == "ERROR") | {timestamp, logger_name, message, exception_message}' "$decoded"
