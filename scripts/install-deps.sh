#!/usr/bin/env bash
# Installs sluice's build and test dependencies from Debian 12's packages.
# Idempotent and silent when everything is already installed; runs
# `apt-get update` only when something is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  cmake ninja-build g++ clang
  libclang-rt-14-dev       # clang's sanitizer and libFuzzer runtimes
  libconcurrentqueue-dev libzstd-dev zstd libxxhash-dev libfmt-dev
  catch2 libbenchmark-dev
  libspdlog-dev            # reference benchmarks only
  jq                       # scripts/demo.sh shows JSON lines through it
  valgrind                 # tests/perf: instruction-count gates (skipped without it)
  libre2-dev libssl-dev    # redaction: RE2 user patterns, HMAC-SHA256 (docs/redaction.md)
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ $status == installed ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

if ((EUID == 0)); then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "install-deps.sh: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi

echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
