// sluice-decode stats: exact counts, and the exact text and JSON reports.
// Without --field or --grep, stats skip the records' arguments
// (binlog::Arguments::skip) and count by the address of the definitions: the
// tests below hold both to the counts and warnings of decoding everything,
// which `--grep ""` (every message matches) forces.

#include <catch2/catch.hpp>
#include <sluice/kv.hpp>

#include <string>
#include <string_view>

#include "binlog_block.hpp"
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

TEST_CASE("stats over file sections that reuse call-site and logger ids for others") {
  // Two sections in one file (a sink appending to an existing file): in the
  // second, ids 0 and 1 are other call sites and loggers than in the first.
  // The reader frees the first section's definitions, so their addresses may
  // come back for the second's: counts must still go by content.
  TempDir dir("sluice-decode-test");
  LogBuilder first;
  first.add<kLogin>(meta_at(kT0, "app.db"), "alice", sluice::kv<"user_id">(1), 1);
  first.add<kTimeout>(meta_at(kT0 + kSecond, "api"), 250,
                      sluice::kv<"endpoint">(std::string_view("/a")));
  LogBuilder second;
  second.add<kCrash>(meta_at(kT0 + 2 * kSecond, "worker"), 4);
  second.add<kCache>(meta_at(kT0 + 3 * kSecond, "app.db"));
  second.add<kCrash>(meta_at(kT0 + 4 * kSecond, "worker"), 5);
  second.add<kTimeout>(meta_at(kT0 + 5 * kSecond, "api"), 300,
                       sluice::kv<"endpoint">(std::string_view("/b")));
  const std::string file = dir.file("two.slog");
  write_file(file, first.bytes() + second.bytes());
  // The same sections again as a second input, merged with the first.
  const std::string again = dir.file("again.slog");
  write_file(again, second.bytes() + first.bytes());

  const DecodeResult r = decode({"stats", "--format", "json", file, again});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  const std::string bytes = std::to_string(2 * (first.bytes().size() + second.bytes().size()));
  CHECK(r.out ==
        "{\"records\":12,\"bytes\":" + bytes +
            ",\"first\":\"2026-11-23T10:00:00.000000000Z\",\"last\":\"2026-11-23T10:00:05."
            "000000000Z\",\"duration_s\":5,\"levels\":{\"TRACE\":0,\"DEBUG\":2,\"INFO\":2,"
            "\"WARNING\":4,\"ERROR\":4,\"CRITICAL\":0},\"loggers\":{\"api\":4,\"app.db\":4,"
            "\"worker\":4},\"call_sites_total\":4,\"call_sites\":[{\"file\":\"src/api/"
            "handler.cpp\",\"line\":7,\"level\":\"WARNING\",\"format\":\"request timed out after "
            "{} ms\",\"count\":4},{\"file\":\"src/worker.cpp\",\"line\":99,\"level\":\"ERROR\","
            "\"format\":\"worker {} crashed\",\"count\":4},{\"file\":\"src/app/pool.cpp\","
            "\"line\":42,\"level\":\"INFO\",\"format\":\"user {} logged in from {}\",\"count\":2},"
            "{\"file\":\"src/cache.cpp\",\"line\":12,\"level\":\"DEBUG\",\"format\":\"cache "
            "miss\",\"count\":2}],\"per_minute\":[{\"minute\":\"2026-11-23T10:00:00.000000000Z\","
            "\"records\":12}]}\n");
  const DecodeResult decoded = decode({"stats", "--format", "json", "--grep", "", file, again});
  CHECK(decoded.out == r.out);
  CHECK(decoded.err == r.err);
}

TEST_CASE("stats with --field or --grep read the arguments they filter on") {
  TempDir dir("sluice-decode-test");
  LogBuilder log;
  make_log(log);
  write_file(dir.file("s.slog"), log.bytes());
  const std::string bytes = std::to_string(log.bytes().size());
  const DecodeResult field =
      decode({"stats", "--format", "json", "--field", "user_id=2", dir.file("s.slog")});
  CHECK(field.status == 0);
  CHECK(field.err.empty());
  CHECK(field.out ==
        "{\"records\":1,\"bytes\":" + bytes +
            ",\"first\":\"2026-11-23T10:01:02.000000000Z\",\"last\":\"2026-11-23T10:01:02."
            "000000000Z\",\"duration_s\":0,\"levels\":{\"TRACE\":0,\"DEBUG\":0,\"INFO\":1,"
            "\"WARNING\":0,\"ERROR\":0,\"CRITICAL\":0},\"loggers\":{\"app.db\":1},"
            "\"call_sites_total\":1,\"call_sites\":[{\"file\":\"src/app/pool.cpp\",\"line\":42,"
            "\"level\":\"INFO\",\"format\":\"user {} logged in from {}\",\"count\":1}],"
            "\"per_minute\":[{\"minute\":\"2026-11-23T10:01:00.000000000Z\",\"records\":1}]}\n");
  // "after 300" is in the message of one timeout only.
  const DecodeResult grep =
      decode({"stats", "--format", "json", "--grep", "after 300", dir.file("s.slog")});
  CHECK(grep.status == 0);
  CHECK(grep.out.starts_with("{\"records\":1,\"bytes\":" + bytes +
                             ",\"first\":\"2026-11-23T10:00:30.000000000Z\","));
  CHECK(grep.out.find("\"loggers\":{\"api\":1}") != std::string::npos);
}

TEST_CASE("stats over damaged input: the warnings and counts of decoding everything") {
  // Block 1 intact (3 records); block 2 framed again with its payload cut
  // inside an argument (a string) of its second record, so that its checksum
  // matches and the reader meets the cut while moving over the arguments;
  // block 3 torn off by the end of the file.
  TempDir dir("sluice-decode-test");
  LogBuilder log;
  log.add<kLogin>(meta_at(kT0, "app.db"), "alice", sluice::kv<"user_id">(1), 1);
  log.add<kTimeout>(meta_at(kT0 + 10 * kSecond, "api"), 250,
                    sluice::kv<"endpoint">(std::string_view("/a")));
  log.add<kTimeout>(meta_at(kT0 + 30 * kSecond, "api"), 300,
                    sluice::kv<"endpoint">(std::string_view("/b")));
  const std::string block1 = log.take();  // with the preamble
  log.add<kCrash>(meta_at(kT0 + 61 * kSecond, ""), 4);
  log.add<kLogin>(meta_at(kT0 + 62 * kSecond, "app.db"), "bobby", sluice::kv<"user_id">(2), 2);
  log.add<kCache>(meta_at(kT0 + 63 * kSecond, "app.db"));
  const std::string block2 = log.take();
  log.add<kCache>(meta_at(kT0 + 150 * kSecond, "app.db"));
  const std::string block3 = log.take();

  const std::string_view payload = block_payload(block2);
  const std::size_t in_string = payload.find("bobby") + 2;
  REQUIRE(in_string != std::string::npos + 2);
  const std::string cut_block = frame_block(
      payload.substr(0, in_string),
      file_seed(std::string_view(block1).substr(sluice::detail::binlog::kPreambleSize)));
  const std::string file = dir.file("damaged.slog");
  write_file(file, block1 + cut_block + block3.substr(0, 20));
  const std::size_t torn_at = block1.size() + cut_block.size();

  const DecodeResult r = decode({"stats", "--format", "json", file});
  CHECK(r.status == 1);
  CHECK(r.err == "sluice-decode: " + file + ": offset " + std::to_string(block1.size()) +
                     ": rest of block skipped (string runs past the block)\n"
                     "sluice-decode: " +
                     file + ": offset " + std::to_string(torn_at) +
                     ": skipped 20 bytes (incomplete or corrupt block at end of input)\n");
  CHECK(r.out.starts_with("{\"records\":4,"));
  CHECK(r.out.find("\"levels\":{\"TRACE\":0,\"DEBUG\":0,\"INFO\":1,\"WARNING\":2,\"ERROR\":1,"
                   "\"CRITICAL\":0},\"loggers\":{\"api\":2,\"\":1,\"app.db\":1}") !=
        std::string::npos);
  const DecodeResult decoded = decode({"stats", "--format", "json", "--grep", "", file});
  CHECK(decoded.status == r.status);
  CHECK(decoded.out == r.out);
  CHECK(decoded.err == r.err);
}
