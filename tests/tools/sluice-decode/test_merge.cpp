// Several files merged in timestamp order: none lost, none repeated, ties
// in input order, and a file's own order kept.

#include <catch2/catch.hpp>
#include <sluice/kv.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "decode_test_support.hpp"

using namespace sluice::testing;

TEST_CASE("records interleaved across three files come out in timestamp order") {
  TempDir dir("sluice-decode-test");
  // Record i goes to file i % 3 at T0 + i ms, but file 2 starts late and
  // file 0 has a gap: the interleaving is uneven. Blocks of 4 records.
  LogBuilder files[3];
  std::vector<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    const int f = i < 30 ? i % 2 : (i > 100 && i < 160) ? 1 + i % 2 : i % 3;
    LogBuilder& log = files[f];
    log.add<kLogin>(meta_at(kT0 + i * 1'000'000, "app.f" + std::to_string(f)), "u",
                    sluice::kv<"i">(i), f);
    expected.push_back(log.json().back());
    if (log.json().size() % 4 == 0) log.end_block();
  }
  const std::string a = dir.file("a.slog"), b = dir.file("b.slog"), c = dir.file("c.slog");
  write_file(a, files[0].bytes());
  write_file(b, files[1].bytes());
  write_file(c, files[2].bytes());

  const DecodeResult merged = decode({c, a, b});
  CHECK(merged.status == 0);
  CHECK(merged.err.empty());
  CHECK(merged.out == lines(expected));

  // One file is passed through in its own order.
  const DecodeResult single = decode({b});
  CHECK(single.out == lines(files[1].json()));
}

TEST_CASE("equal timestamps keep the order of the inputs, and a file keeps its own order") {
  TempDir dir("sluice-decode-test");
  LogBuilder first, second;
  first.add<kCrash>(meta_at(kT0 + 5), 1);
  first.add<kCrash>(meta_at(kT0 + 1), 2);  // out of order within its file
  first.add<kCrash>(meta_at(kT0 + 9), 3);
  second.add<kCrash>(meta_at(kT0 + 5), 10);
  second.add<kCrash>(meta_at(kT0 + 6), 11);
  write_file(dir.file("1.slog"), first.bytes());
  write_file(dir.file("2.slog"), second.bytes());
  const DecodeResult r = decode(
      {"--format", "text", "--pattern", "{message}", dir.file("1.slog"), dir.file("2.slog")});
  CHECK(r.out ==
        "worker 1 crashed\nworker 2 crashed\nworker 10 crashed\nworker 11 crashed\n"
        "worker 3 crashed\n");
  const DecodeResult swapped = decode(
      {"--format", "text", "--pattern", "{message}", dir.file("2.slog"), dir.file("1.slog")});
  CHECK(swapped.out ==
        "worker 10 crashed\nworker 1 crashed\nworker 2 crashed\nworker 11 crashed\n"
        "worker 3 crashed\n");
}

TEST_CASE("a file that cannot be read or is corrupt does not stop the merge") {
  TempDir dir("sluice-decode-test");
  LogBuilder good, other;
  good.add<kCrash>(meta_at(kT0 + 2), 2);
  other.add<kCrash>(meta_at(kT0 + 1), 1);
  other.end_block();
  other.add<kCrash>(meta_at(kT0 + 3), 3);
  write_file(dir.file("good.slog"), good.bytes());
  std::string torn = other.bytes();
  torn.resize(torn.size() - 1);
  write_file(dir.file("torn.slog"), torn);
  write_file(dir.file("text.log"), "hello\n");

  const DecodeResult r =
      decode({"--format", "text", "--pattern", "{message}", dir.file("good.slog"),
              dir.file("missing.slog"), dir.file("torn.slog"), dir.file("text.log")});
  CHECK(r.status == 2);
  CHECK(r.out == "worker 1 crashed\nworker 2 crashed\n");
  // The torn block is the second: from the last sync marker on.
  const std::size_t torn_at = std::string_view(other.bytes()).rfind("\xfa\x1c\xe5\xb1");
  CHECK(r.err ==
        "sluice-decode: " + dir.file("missing.slog") + ": cannot open " + dir.file("missing.slog") +
            ": No such file or directory\n" + "sluice-decode: " + dir.file("text.log") +
            ": not a sluice binary log (no file magic at offset 0)\n" +
            "sluice-decode: " + dir.file("torn.slog") + ": offset " + std::to_string(torn_at) +
            ": skipped " + std::to_string(torn.size() - torn_at) +
            " bytes (incomplete or corrupt block at end of input)\n");
}

TEST_CASE("decoding stops at the first failed write, and says why") {
  if (!std::filesystem::exists("/dev/full")) return;
  TempDir dir("sluice-decode-test");
  LogBuilder log;
  // Over the 1 MiB output buffer, so that a write fails before the end.
  for (int i = 0; i < 10000; ++i) log.add<kCrash>(meta_at(kT0 + i), i);
  // A torn block at the end: reaching it would be reported; stopping at the
  // failed write does not get there.
  std::string bytes = log.bytes();
  log.add<kCrash>(meta_at(kT0 + 10000), 10000);
  bytes += log.take().substr(bytes.size());
  bytes.resize(bytes.size() - 1);
  write_file(dir.file("big.slog"), bytes);
  const std::string path = dir.file("big.slog");
  std::vector<std::string_view> args{path};
  const auto options = sluice::detail::decode::parse_options(args, kT0);
  FILE* full = std::fopen("/dev/full", "w");
  REQUIRE(full != nullptr);
  FILE* err = std::tmpfile();
  sluice::detail::decode::Environment env;
  env.out = full;
  env.err = err;
  CHECK(sluice::detail::decode::run(options, env) == 2);
  std::fclose(full);
  CHECK(read_back(err) == "sluice-decode: cannot write output: No space left on device\n");
}
