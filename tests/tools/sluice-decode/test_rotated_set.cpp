// A rotated binary set as a shell glob passes it (`app.slog*`: the active
// file first, then .1, .10, .11, .2 ... in name order) decodes in the order
// the records were written.

#include <catch2/catch.hpp>
#include <sluice/formatter.hpp>
#include <sluice/sinks/binary_file_sink.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "decode_test_support.hpp"

using namespace sluice::testing;

namespace {

// 400 records through a binary sink rotating every 300 bytes, record i
// stamped time_of(i); the JSON lines they decode to, in written order.
template <typename TimeOf>
std::vector<std::string> write_rotated_set(const TempDir& dir, TimeOf time_of) {
  std::vector<std::string> expected;
  sluice::BinaryFileOptions options;
  options.rotation.max_bytes = 300;
  sluice::BinaryFileSink sink(dir / "app.slog", options);
  const sluice::JsonFormatter json;
  RecordFixture record;
  for (int i = 0; i < 400; ++i) {
    RecordMeta meta = meta_at(time_of(i));
    meta.process_id = static_cast<std::uint32_t>(::getpid());  // the file header's
    const auto& view = record.build<kTimeout>(meta, i);
    sink.write(view);
    expected.emplace_back();
    json.format(view, expected.back());
  }
  sink.flush();
  sink.wait_for_rotations();
  return expected;
}

// The set's files as `app.slog*` expands them.
std::vector<std::string> in_glob_order(const TempDir& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("a rotated set, compressed and not, in glob order decodes in written order") {
  TempDir dir("sluice-decode-rotated");
  const std::vector<std::string> expected =
      write_rotated_set(dir, [](int i) { return kT0 + i * kSecond / 10; });
  const std::vector<std::string> files = in_glob_order(dir);
  REQUIRE(files.size() > 11);  // .10 sorts before .2
  CHECK(files[0] == dir.file("app.slog"));
  CHECK(files[1] == dir.file("app.slog.1.zst"));
  CHECK(files[2] == dir.file("app.slog.10.zst"));

  const DecodeResult result = decode(std::vector<std::string_view>(files.begin(), files.end()));
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  CHECK(result.out == lines(expected));
}

TEST_CASE(
    "a rotated set in glob order: records of equal timestamps across a rotation keep their order") {
  // Timestamps repeat when the backend holds a record to the previous one's
  // time (the wall clock stepped back a little, or a coarse clock): a
  // rotation can fall between records of one timestamp. The active file is
  // named first in glob order, yet its records were written last.
  TempDir dir("sluice-decode-rotated");
  const std::vector<std::string> expected =
      write_rotated_set(dir, [](int i) { return kT0 + i / 100 * kSecond; });  // 100 a time
  const std::vector<std::string> files = in_glob_order(dir);
  REQUIRE(files.size() > 2);

  const DecodeResult result = decode(std::vector<std::string_view>(files.begin(), files.end()));
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  CHECK(result.out == lines(expected));
}
