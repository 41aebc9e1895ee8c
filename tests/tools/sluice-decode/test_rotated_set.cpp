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

TEST_CASE("a rotated set, compressed and not, in glob order decodes in written order") {
  TempDir dir("sluice-decode-rotated");
  std::vector<std::string> expected;
  {
    sluice::BinaryFileOptions options;
    options.rotation.max_bytes = 300;
    sluice::BinaryFileSink sink(dir / "app.slog", options);
    const sluice::JsonFormatter json;
    RecordFixture record;
    for (int i = 0; i < 400; ++i) {
      RecordMeta meta = meta_at(kT0 + i * kSecond / 10);
      meta.process_id = static_cast<std::uint32_t>(::getpid());  // the file header's
      const auto& view = record.build<kTimeout>(meta, i);
      sink.write(view);
      expected.emplace_back();
      json.format(view, expected.back());
    }
    sink.flush();
    sink.wait_for_rotations();
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());  // what `app.slog*` expands to
  REQUIRE(files.size() > 11);             // .10 sorts before .2
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
  std::vector<std::string> expected;
  {
    sluice::BinaryFileOptions options;
    options.rotation.max_bytes = 300;
    sluice::BinaryFileSink sink(dir / "app.slog", options);
    const sluice::JsonFormatter json;
    RecordFixture record;
    for (int i = 0; i < 400; ++i) {
      RecordMeta meta = meta_at(kT0 + i / 100 * kSecond);  // 100 records a time
      meta.process_id = static_cast<std::uint32_t>(::getpid());
      const auto& view = record.build<kTimeout>(meta, i);
      sink.write(view);
      expected.emplace_back();
      json.format(view, expected.back());
    }
    sink.flush();
    sink.wait_for_rotations();
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());  // what `app.slog*` expands to
  REQUIRE(files.size() > 2);

  const DecodeResult result = decode(std::vector<std::string_view>(files.begin(), files.end()));
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  CHECK(result.out == lines(expected));
}
