// Redaction scanning speed (Google Benchmark): how many bytes of string
// arguments per second the backend's redactor gets through, on clean text,
// on text with secrets, and on a realistic mix (about one string in ten
// holds a secret). The bar is 500 MB/s for the mix. Each iteration
// redacts every string of a ~1 MiB set, one call per string, as the backend
// calls it once per string argument.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "redaction/redactor.hpp"

namespace {

// Templates of what string arguments look like in practice: request paths,
// user agents, SQL, error texts, logfmt and JSON bodies, ids, hashes.
const std::vector<std::string> kClean = {
    "GET /api/v2/orders/search?page=3&limit=50 HTTP/1.1",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0",
    "SELECT id, name, created_at FROM users WHERE org_id = $1 ORDER BY created_at DESC LIMIT 100",
    "connection reset by peer while reading response header from upstream",
    "request_id=6f1c2a9e-3b7d-4e21-9c55-0d8a7e4b2f10 status=200 duration_ms=245 bytes=18234",
    "{\"event\": \"checkout\", \"items\": 3, \"total\": 129.95, \"currency\": \"EUR\"}",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 deployed to eu-west-1 in 42s",
    "Processing batch 1532 of 20000 (7.66%), eta 00:14:32",
    "worker pool resized from 16 to 24 threads after queue depth exceeded 10000",
    "cache miss for key product:48213:variants, falling back to database",
    "The quick brown fox jumps over the lazy dog while the scheduler rebalances shards",
    "2026-01-21T10:30:01.123Z upstream 10.0.3.17:8080 responded in 12.5 ms",
};
const std::vector<std::string> kDirty = {
    "login failed for user=alice@example.com password=hunter2 from 10.0.0.7",
    "charging card 4111 1111 1111 1111 amount=25.00 EUR",
    "Authorization: Bearer FWxQNS5iKW6upDpceJTi0HZJYcRlR4mA",
    "{\"username\": \"u1\", \"password\": \"R6TSyuL4uR\", \"remember\": true}",
    "background check for 646-28-4472 queued",
    "AWS_ACCESS_KEY_ID=AKIAMRNXJ2BIY17WWW3K region=us-east-1",
    "id_token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9 ok",
};

std::vector<std::string> make_set(double dirty_share, std::size_t bytes) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::vector<std::string> set;
  std::size_t total = 0;
  for (std::size_t i = 0; total < bytes; ++i) {
    const auto& pool = coin(rng) < dirty_share ? kDirty : kClean;
    set.push_back(pool[rng() % pool.size()]);
    total += set.back().size();
  }
  return set;
}

void run(benchmark::State& state, double dirty_share) {
  const sluice::detail::Redactor redactor{sluice::RedactionPolicy{}};
  const std::vector<std::string> set = make_set(dirty_share, std::size_t{1} << 20);
  std::size_t bytes = 0;
  for (const auto& s : set) bytes += s.size();
  std::string out;
  out.reserve(4096);
  std::uint64_t found = 0;
  for (auto _ : state) {
    for (const std::string& s : set) found += redactor.redact_text(s, out) != 0 ? 1 : 0;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["redacted_share"] =
      static_cast<double>(found) / static_cast<double>(state.iterations() * set.size());
}

void BM_RedactClean(benchmark::State& state) { run(state, 0.0); }
void BM_RedactMix(benchmark::State& state) { run(state, 0.1); }
void BM_RedactDirty(benchmark::State& state) { run(state, 1.0); }

// The per-record question: one 100-byte clean string.
void BM_RedactOneCleanString(benchmark::State& state) {
  const sluice::detail::Redactor redactor{sluice::RedactionPolicy{}};
  // The string of sluice-bench-throughput --message string100.
  const std::string s =
      "GET /api/v2/orders/search?page=3&limit=50 from 10.0.3.17 status=200 took 12.5 ms, cache "
      "warm."
      " ok 123";
  std::string out;
  for (auto _ : state) benchmark::DoNotOptimize(redactor.redact_text(s, out));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.size()));
}

BENCHMARK(BM_RedactClean);
BENCHMARK(BM_RedactMix);
BENCHMARK(BM_RedactDirty);
BENCHMARK(BM_RedactOneCleanString);

}  // namespace

BENCHMARK_MAIN();
