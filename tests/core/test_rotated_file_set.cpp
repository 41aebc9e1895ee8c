// The names of a rotated set, and which files of a directory belong to it.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "rotated_file_set.hpp"
#include "rotation_path.hpp"
#include "temp_dir.hpp"

namespace {

using sluice::detail::rotated_set_key;
using sluice::detail::RotatedFileSet;
using sluice::detail::rotation_path;

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

TEST_CASE("one key for a set however its directory is spelled, and one shared state",
          "[rotation]") {
  namespace fs = std::filesystem;
  const sluice::testing::TempDir dir("sluice-set-key");
  fs::create_directory(dir / "logs");
  fs::create_directory_symlink(dir / "logs", dir / "link");
  const auto key = [](const fs::path& path) { return rotated_set_key(RotatedFileSet(path)); };
  const std::string logs = key(dir / "logs" / "app.log");
  CHECK(logs == (fs::canonical(dir / "logs") / "app.log").string());
  CHECK(key(dir / "logs" / "." / "app.log") == logs);
  CHECK(key(dir / "logs" / ".." / "logs" / "app.log") == logs);
  CHECK(key(dir / "link" / "app.log") == logs);
  CHECK(key(fs::relative(dir / "logs") / "app.log") == logs);
  CHECK(key(dir / "logs" / "app.log.zst") == logs);  // the same rotated names
  CHECK(key(dir / "logs" / "b.log") != logs);
  CHECK(key(dir / "app.log") != logs);
  // A directory not made yet: the same key before and after it is made.
  const std::string later = key(dir / "link" / "new" / "." / "app.log");
  CHECK(later == (fs::canonical(dir / "logs") / "new" / "app.log").string());
  fs::create_directory(dir / "logs" / "new");
  CHECK(key(dir / "logs" / "new" / "app.log") == later);

  auto state = rotation_path(RotatedFileSet(dir / "logs" / "app.log"));
  CHECK(state->key() == logs);
  CHECK(rotation_path(RotatedFileSet(dir / "link" / "app.log")) == state);
  CHECK(rotation_path(RotatedFileSet(dir / "logs" / "b.log")) != state);
  // The registry keeps no set alive: once nobody holds it, a new one.
  const std::weak_ptr<sluice::detail::RotationPath> old = state;
  state.reset();
  CHECK(old.expired());
  state = rotation_path(RotatedFileSet(dir / "logs" / "app.log"));
  CHECK(state->key() == logs);
}
