#!/usr/bin/env bash
# check_instructions.sh BINARY FUNCTION CALLS MAX_PER_CALL
# Counts the instructions executed inside FUNCTION (and what it calls) with
# callgrind, and fails if they exceed MAX_PER_CALL per call.
set -euo pipefail
binary=$1 function=$2 calls=$3 max=$4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out/cg" --toggle-collect="*${function}*" \
  "$binary" >/dev/null 2>"$out/log"
total=$(callgrind_annotate "$out/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
if [[ -z "$total" ]]; then
  echo "could not read callgrind totals:"; cat "$out/log"; exit 1
fi
per_call=$(( total / calls ))
echo "$function: $total instructions for $calls calls = $per_call per call (gate: <= $max)"
(( per_call <= max ))
