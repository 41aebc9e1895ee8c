#!/usr/bin/env bash
# Everything CI checks, from the repo root:
#   1. build-ci/:   RelWithDebInfo (-O2 -g1, assertions on), warnings as errors,
#                   every target; the whole ctest suite.
#   2. build-tsan/: clang with ThreadSanitizer; the multi-threaded core tests
#                   and the rotation tests (the backend and the rotation worker).
#   3. build-asan/: clang with AddressSanitizer and UBSan, libFuzzer on; the
#                   binary-log tests, sluice-decode's CLI test, a fuzz smoke
#                   run, and the rotation tests (file names read from disk).
# Exits non-zero as soon as anything fails. See docs/building.md.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

# The Catch2 executables that run under ThreadSanitizer: the ones with threads.
tsan_targets=(test_thread_queue test_backend test_stop_drain test_error_reporter test_logger test_logger_cap test_stress test_file_rotation test_rotation_stress
              test_record_redaction test_record_view test_capture_logs test_sink_reports
              test_process_exit)  # its exit_writer children: exit while rotation workers run
# What runs under AddressSanitizer + UBSan: everything that parses binary logs
# (untrusted input) or the names of files found on disk, and the targets their
# ctest tests need. Redaction scans logged text (untrusted too): its tests and
# fuzz target, and sluice-redact's configuration file: its tests and fuzz
# target. And the process-exit test (a detached thread logs through the
# exit, into a queue that must still be there) and the record view's
# formatted-text cache (texts handed out must not move).
asan_tests=(test_binary_format test_binary_input test_binary_file_sink test_rotated_file_set test_file_rotation
            test_redaction test_record_redaction test_process_exit test_record_view test_sluice_redact)
asan_targets=("${asan_tests[@]}" sluice-decode fuzz_binary_reader fuzz_redaction fuzz_redact_config
              exit_writer)

total=0
ctest=(ctest)
run_ctest() {  # run_ctest BUILD_DIR [ctest args...]: runs, echoes, adds to $total
  local log
  log=$(mktemp)
  "${ctest[@]}" --test-dir "$1" --output-on-failure --no-tests=error -j2 "${@:2}" | tee "$log"
  total=$((total + $(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log")))
  rm -f "$log"
}

echo "== build-ci: RelWithDebInfo, -Werror"
cmake -S . -B build-ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1" -DSLUICE_WERROR=ON
cmake --build build-ci
run_ctest build-ci

echo "== build-ci done after ${SECONDS} s"
echo "== build-tsan: clang, ThreadSanitizer: ${tsan_targets[*]}"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_COMPILER=clang++ \
  -DSLUICE_SANITIZE=thread -DSLUICE_BUILD_BENCH=OFF -DSLUICE_BUILD_TOOLS=OFF -DSLUICE_WERROR=ON
cmake --build build-tsan --target "${tsan_targets[@]}"
# TSan's shadow memory needs a kernel with at most 28 bits of mmap randomness;
# on one with more, run the tests with address randomisation off.
if (($(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28) > 28)); then
  ctest=(setarch "$(uname -m)" -R ctest)
fi
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
run_ctest build-tsan -R "^($(IFS='|'; echo "${tsan_targets[*]}")):"

echo "== build-tsan done after ${SECONDS} s"
echo "== build-asan: clang, AddressSanitizer + UBSan, libFuzzer: ${asan_targets[*]}"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_COMPILER=clang++ \
  -DSLUICE_SANITIZE=address,undefined -DSLUICE_FUZZ=ON -DSLUICE_BUILD_BENCH=OFF -DSLUICE_WERROR=ON
cmake --build build-asan --target "${asan_targets[@]}"
ctest=(ctest)
export ASAN_OPTIONS="detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1"
run_ctest build-asan -R "^($(IFS='|'; echo "${asan_tests[*]}")):|^sluice-decode:|^fuzz:"

echo "== build-asan done after ${SECONDS} s"
echo "sluice: $total passed, 0 failed"
