#include "rotated_past.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>

#include "binary_format.hpp"
#include "binary_input.hpp"
#include "rotated_file_set.hpp"

namespace sluice::detail::decode {

namespace {

// The file header is the first entry of a file's first block; a zstd frame
// gives that block once its first zstd block is whole (at most 128 KiB).
constexpr std::size_t kHeaderReadLimit = std::size_t{1} << 20;
constexpr std::size_t kRead = std::size_t{4} << 10;
// Listings of the directory at most, should the writer rename a listed file
// every time (it renames one or two per rotation: a second listing is the
// rule, a third rare).
constexpr int kMaxListings = 16;

bool before(const timespec& a, const timespec& b) noexcept {
  return a.tv_sec != b.tv_sec ? a.tv_sec < b.tv_sec : a.tv_nsec < b.tv_nsec;
}

bool same_file(const struct stat& a, const struct stat& b) noexcept {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

struct Found {
  int fd;
  std::int64_t created_ns;
  struct stat file;  // found again under another name, it is not read twice
};

}  // namespace

std::int64_t created_ns_of(int fd) {
  const auto ignore = [](const std::string&) {};
  binlog::BinaryReader reader(ignore, binlog::Arguments::skip);
  binlog::BinaryInput input(reader, ignore);
  const auto chunk = std::make_unique_for_overwrite<std::byte[]>(kRead);
  try {
    for (std::size_t offset = 0; offset < kHeaderReadLimit;) {
      const ssize_t n = ::pread(fd, chunk.get(), kRead, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      offset += static_cast<std::size_t>(n);
      input.append({chunk.get(), static_cast<std::size_t>(n)});
      while (reader.next() != nullptr && reader.producer().created_ns == 0) {
      }
      if (reader.producer().created_ns != 0) return reader.producer().created_ns;
    }
  } catch (const Error&) {  // not a binary log
  }
  return 0;
}

std::vector<int> files_rotated_past(const std::string& path, int followed, int active,
                                    const std::function<void()>& listed) {
  struct stat followed_stat {
  }, active_stat{};
  if (::fstat(followed, &followed_stat) != 0 || ::fstat(active, &active_stat) != 0) return {};
  const std::int64_t after = created_ns_of(followed);
  if (after == 0) return {};
  std::vector<Found> found;
  const auto known = [&found](const struct stat& st) {
    return std::any_of(found.begin(), found.end(),
                       [&st](const Found& f) { return same_file(f.file, st); });
  };
  // The writer renames its files while they are listed: a rotated file gets
  // its compressed name, then its index, and each rotation renumbers the
  // indexed ones. A listed name gone by the time it is looked at is a file
  // there under another name (or deleted by retention): the directory is
  // listed again, until a listing whose names all held.
  bool name_gone = true;
  for (int listing = 0; name_gone && listing < kMaxListings; ++listing) {
    name_gone = false;
    const std::vector<RotatedFileSet::Member> members = RotatedFileSet(path).list();
    if (listed) listed();
    for (const RotatedFileSet::Member& member : members) {
      if (member.temporary) continue;  // a compression in progress: its source is there
      struct stat st {};
      if (::stat(member.path.c_str(), &st) != 0) {
        name_gone = name_gone || errno == ENOENT;
        continue;
      }
      // Last written before the followed file was: written before it (files
      // of a set are written one after the other). Not opened.
      if (before(st.st_mtim, followed_stat.st_mtim)) continue;
      const int fd = ::open(member.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        name_gone = name_gone || errno == ENOENT;
        continue;
      }
      std::int64_t created = 0;
      if (::fstat(fd, &st) == 0 && !same_file(st, followed_stat) && !same_file(st, active_stat) &&
          !known(st)) {
        created = created_ns_of(fd);
      }
      if (created > after) {
        found.push_back({fd, created, st});
      } else {
        ::close(fd);
      }
    }
  }
  // Read after the last listing: a file the writer had rotated before it was
  // listed was written to, so its `created` is known here.
  const std::int64_t until = created_ns_of(active);
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.created_ns < b.created_ns; });
  std::vector<int> fds;
  for (std::size_t i = 0; i < found.size(); ++i) {
    const bool copy = i > 0 && found[i].created_ns == found[i - 1].created_ns;
    const bool later = until != 0 && found[i].created_ns >= until;
    if (copy || later) {
      ::close(found[i].fd);
    } else {
      fds.push_back(found[i].fd);
    }
  }
  return fds;
}

}  // namespace sluice::detail::decode
