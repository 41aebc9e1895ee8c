// sluice-decode stats: exact counts, and the exact text and JSON reports.

#include <catch2/catch.hpp>
#include <sluice/kv.hpp>

#include <string>
#include <string_view>

#include "decode_test_support.hpp"

namespace {

using namespace sluice::testing;

// Six records over three minutes: INFO 2, WARNING 2, ERROR 1, DEBUG 1;
// app.db 3, api 2, the root 1.
void make_log(LogBuilder& log) {
  log.add<kLogin>(meta_at(kT0, "app.db"), "alice", sluice::kv<"user_id">(1), 1);
  log.add<kTimeout>(meta_at(kT0 + 10 * kSecond, "api"), 250,
                    sluice::kv<"endpoint">(std::string_view("/a")));
  log.add<kTimeout>(meta_at(kT0 + 30 * kSecond, "api"), 300,
                    sluice::kv<"endpoint">(std::string_view("/b")));
  log.end_block();
  log.add<kCrash>(meta_at(kT0 + 61 * kSecond, ""), 4);
  log.add<kLogin>(meta_at(kT0 + 62 * kSecond, "app.db"), "bob", sluice::kv<"user_id">(2), 2);
  log.add<kCache>(meta_at(kT0 + 150 * kSecond, "app.db"));
}

}  // namespace

TEST_CASE("stats counts by level, logger, call site and minute") {
  TempDir dir("sluice-decode-test");
  LogBuilder log;
  make_log(log);
  write_file(dir.file("s.slog"), log.bytes());
  const std::string bytes = std::to_string(log.bytes().size());
  const DecodeResult r = decode({"stats", dir.file("s.slog")});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "records   6\n"
        "bytes     " +
            bytes + " (" + fmt::format("{:.1f}", std::stod(bytes) / 6) +
            " per record)\n"
            "first     2026-11-23T10:00:00.000000000Z\n"
            "last      2026-11-23T10:02:30.000000000Z\n"
            "duration  150.000000 s\n"
            "rate      0.0 records/s (average)\n"
            "\n"
            "by level\n"
            "  DEBUG                 1\n"
            "  INFO                  2\n"
            "  WARNING               2\n"
            "  ERROR                 1\n"
            "\n"
            "by logger\n"
            "  app.db                                    3\n"
            "  api                                       2\n"
            "  (root)                                    1\n"
            "\n"
            "top 4 of 4 call sites\n"
            "             2  WARNING   src/api/handler.cpp:7  \"request timed out after {} ms\"\n"
            "             2  INFO      src/app/pool.cpp:42  \"user {} logged in from {}\"\n"
            "             1  DEBUG     src/cache.cpp:12  \"cache miss\"\n"
            "             1  ERROR     src/worker.cpp:99  \"worker {} crashed\"\n"
            "\n"
            "records per minute (UTC)\n"
            "  2026-11-23T10:00Z            3         0.1/s\n"
            "  2026-11-23T10:01Z            2         0.0/s\n"
            "  2026-11-23T10:02Z            1         0.0/s\n");
}

TEST_CASE("stats as JSON, with --top and filters") {
  TempDir dir("sluice-decode-test");
  LogBuilder log;
  make_log(log);
  write_file(dir.file("s.slog"), log.bytes());
  const std::string bytes = std::to_string(log.bytes().size());
  const DecodeResult r =
      decode({"stats", "--format", "json", "--top", "1", "--level", "info", dir.file("s.slog")});
  CHECK(r.status == 0);
  CHECK(r.out ==
        "{\"records\":5,\"bytes\":" + bytes +
            ",\"first\":\"2026-11-23T10:00:00.000000000Z\",\"last\":\"2026-11-23T10:01:02."
            "000000000Z\",\"duration_s\":62,\"levels\":{\"TRACE\":0,\"DEBUG\":0,\"INFO\":2,"
            "\"WARNING\":2,\"ERROR\":1,\"CRITICAL\":0},\"loggers\":{\"api\":2,\"app.db\":2,\"\":1},"
            "\"call_sites_total\":3,\"call_sites\":[{\"file\":\"src/api/handler.cpp\",\"line\":7,"
            "\"level\":\"WARNING\",\"format\":\"request timed out after {} ms\",\"count\":2}],"
            "\"per_minute\":[{\"minute\":\"2026-11-23T10:00:00.000000000Z\",\"records\":3},"
            "{\"minute\":\"2026-11-23T10:01:00.000000000Z\",\"records\":2}]}\n");
}

TEST_CASE("stats over several files add up, and an empty input reports zero") {
  TempDir dir("sluice-decode-test");
  LogBuilder log;
  make_log(log);
  write_file(dir.file("s.slog"), log.bytes());
  write_file(dir.file("t.slog"), log.bytes());
  const DecodeResult twice =
      decode({"stats", "--format", "json", dir.file("s.slog"), dir.file("t.slog")});
  CHECK(twice.out.starts_with(
      "{\"records\":12,\"bytes\":" + std::to_string(2 * log.bytes().size()) + ","));
  CHECK(twice.out.find("\"loggers\":{\"app.db\":6,\"api\":4,\"\":2}") != std::string::npos);

  write_file(dir.file("empty.slog"), "");
  const DecodeResult empty = decode({"stats", dir.file("empty.slog")});
  CHECK(empty.status == 0);
  CHECK(empty.out == "records   0\nbytes     0\n");
}
