#!/usr/bin/env bash
# fails_on_short_file.sh PROGRAM [ARGS...]: runs a benchmark with its files
# capped at 8 KiB, so that its loggers' writes fail past that, and passes only
# if the program notices: exit status 1 and a "FAILED:" line. A benchmark
# whose loggers lost records must not print figures as if they had not.
set -uo pipefail
trap '' XFSZ  # write(2) fails with EFBIG instead of the signal killing the program
ulimit -f 8
out=$("$@" 2>&1)
rc=$?
if [[ $rc -eq 1 && $out == *"FAILED:"* ]]; then
  grep 'FAILED:' <<<"$out"
  exit 0
fi
echo "expected exit status 1 and a FAILED: line; got exit status $rc:"
tail -n 20 <<<"$out"
exit 1
