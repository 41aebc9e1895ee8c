// --follow's search for the files a writer rotated past (rotated_past.cpp),
// while the writer renames them: between the directory listing and the
// opens, a rotated file gets its compressed name, then its index, and each
// rotation renumbers the indexed ones. A name gone by then is a file still
// there under another name: it must be found, not skipped.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "decode_test_support.hpp"
#include "rotated_past.hpp"

using namespace sluice::testing;
namespace decode = sluice::detail::decode;

namespace {

// A file of a set, started (its header's `created`) at `created_ns`.
void write_set_file(const std::string& path, std::int64_t created_ns) {
  LogBuilder log(created_ns);
  log.add<kCrash>(meta_at(created_ns), 1);
  write_file(path, log.take());
}

struct Fd {
  int fd;
  explicit Fd(const std::string& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    REQUIRE(fd >= 0);
  }
  ~Fd() { ::close(fd); }
};

}  // namespace

TEST_CASE("rotated past: a file renamed between the listing and its open is still found") {
  TempDir dir("sluice-decode-rotated-past");
  const std::string path = dir.file("app.slog");
  // The followed file, since rotated to index 1; the one rotated past,
  // still under its staging name; the new active file.
  write_set_file(dir.file("app.slog.1"), kT0);
  write_set_file(dir.file("app.2026-11-27T10-00-00.slog"), kT0 + kSecond);
  write_set_file(path, kT0 + 2 * kSecond);
  const Fd followed(dir.file("app.slog.1"));
  const Fd active(path);

  // Right after the first listing, the writer's worker compresses the
  // staged file: app.2026-11-27T10-00-00.slog.zst, the original removed (a
  // rename here: to the reader the same). The listed name is gone.
  int listings = 0;
  const auto listed = [&] {
    if (++listings > 1) return;
    std::filesystem::rename(dir / "app.2026-11-27T10-00-00.slog",
                            dir / "app.2026-11-27T10-00-00.slog.zst");
  };
  const std::vector<int> fds = decode::files_rotated_past(path, followed.fd, active.fd, listed);
  std::vector<std::int64_t> created;
  for (const int fd : fds) {
    created.push_back(decode::created_ns_of(fd));
    ::close(fd);
  }
  CHECK(created == std::vector<std::int64_t>{kT0 + kSecond});
  CHECK(listings == 2);  // listed again once, then nothing had moved
}
