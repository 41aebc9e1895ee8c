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
# callgrind_annotate prints "." for a total of 0: no function matched the
# name, and a gate that counts nothing must not pass.
if ! [[ "$total" =~ ^[0-9]+$ ]] || (( total == 0 )); then
  echo "no instructions counted in *${function}* (total: '${total}'): is the name right?"
  cat "$out/log"; exit 1
fi
per_call=$(( total / calls ))
echo "$function: $total instructions for $calls calls = $per_call per call (gate: <= $max)"
(( per_call <= max ))
