// The names of a rotated set, and which files of a directory belong to it.

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "rotated_file_set.hpp"
#include "temp_dir.hpp"

namespace {

using sluice::detail::RotatedFileSet;

std::vector<std::string> names(const std::vector<RotatedFileSet::Member>& members) {
  std::vector<std::string> result;
  for (const auto& m : members) result.push_back(m.path.filename().string());
  return result;
}

}  // namespace

TEST_CASE("names of a text log's rotated files", "[rotation]") {
  const RotatedFileSet set("logs/app.log");
  CHECK_FALSE(set.active_compressed());
  CHECK(set.indexed(3, true) == "logs/app.log.3.zst");
  CHECK(set.indexed(12, false) == "logs/app.log.12");
  CHECK(set.timestamped("2026-11-22T00-00-00", 0, true) == "logs/app.2026-11-22T00-00-00.log.zst");
  CHECK(set.timestamped("2026-11-22T00-00-00", 2, false) == "logs/app.2026-11-22T00-00-00_2.log");
}

TEST_CASE("names of a live-compressed binary log and of a file without extension", "[rotation]") {
  const RotatedFileSet binary("app.slog.zst");
  CHECK(binary.active_compressed());
  CHECK(binary.indexed(1, true) == "app.slog.1.zst");
  CHECK(binary.timestamped("2026-11-22T00-00-00", 0, true) == "app.2026-11-22T00-00-00.slog.zst");
  const RotatedFileSet bare("/var/log/server");
  CHECK(bare.indexed(1, false) == "/var/log/server.1");
  CHECK(bare.timestamped("2026-11-22T00-00-00", 0, false) == "/var/log/server.2026-11-22T00-00-00");
}

TEST_CASE("parse: members and strangers", "[rotation]") {
  const RotatedFileSet set("d/app.log");
  const auto m = set.parse("app.log.7.zst");
  REQUIRE(m);
  CHECK(m->indexed);
  CHECK(m->index == 7);
  CHECK(m->compressed);
  CHECK_FALSE(m->temporary);
  const auto t = set.parse("app.2026-11-22T00-00-00_3.log.zst.tmp");
  REQUIRE(t);
  CHECK_FALSE(t->indexed);
  CHECK(t->stamp == "2026-11-22T00-00-00");
  CHECK(t->counter == 3);
  CHECK(t->compressed);
  CHECK(t->temporary);
  for (const char* stranger : {"app.log", "app.log.zst", "app.log.0", "app.log.01", "app.log.x",
                               "app.logx.1", "other.log.1", "app.2026-11-22T00-00-0.log",
                               "app.2026-11-22T00-00-00_0.log", "app.2026-11-22T00-00-00.txt",
                               "app.2026-11-22 00-00-00.log", "app.2026-11-22T00-00-00_.log"}) {
    INFO(stranger);
    CHECK_FALSE(set.parse(stranger));
  }
}

TEST_CASE("list: the set's files, oldest first", "[rotation]") {
  const sluice::testing::TempDir dir("sluice-fileset");
  for (const char* name : {"app.log", "app.log.1.zst", "app.log.10.zst", "app.log.2", "x.log.3",
                           "app.2026-11-22T00-00-00.log", "app.2026-11-22T00-00-00_1.log.zst.tmp",
                           "app.2026-11-21T23-59-59.log.zst"}) {
    std::ofstream(dir / name) << "x";
  }
  const RotatedFileSet set(dir / "app.log");
  CHECK(names(set.list()) ==
        std::vector<std::string>{"app.log.10.zst", "app.log.2", "app.log.1.zst",
                                 "app.2026-11-21T23-59-59.log.zst", "app.2026-11-22T00-00-00.log",
                                 "app.2026-11-22T00-00-00_1.log.zst.tmp"});
  CHECK(set.list().front().path == dir / "app.log.10.zst");
}
