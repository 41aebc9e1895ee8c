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
# The run and the checks are scripts/run-demo.sh's, which ctest runs too.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target sluice-demo sluice-decode

scripts/run-demo.sh build/tools/sluice-demo/sluice-demo build/tools/sluice-decode/sluice-decode out/demo
