#pragma once
// A disk that fills up in the middle of a test: FullDisk points a sink's
// open descriptor at /dev/full (every write fails with ENOSPC) until
// restore() puts the original file back.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace sluice::testing {

/// The descriptor this process has open on `path` (found through /proc).
inline int fd_of(const std::filesystem::path& path) {
  const std::filesystem::path target = std::filesystem::canonical(path);
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    if (std::filesystem::read_symlink(entry.path(), error) == target) {
      return std::stoi(entry.path().filename().string());
    }
  }
  FAIL("no descriptor open on " << path);
  return -1;
}

class FullDisk {
 public:
  explicit FullDisk(int fd) : fd_(fd), saved_(::dup(fd)) {
    const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    REQUIRE(full >= 0);
    REQUIRE(::dup2(full, fd_) == fd_);
    ::close(full);
  }
  ~FullDisk() { restore(); }
  FullDisk(const FullDisk&) = delete;
  FullDisk& operator=(const FullDisk&) = delete;
  void restore() {
    if (saved_ < 0) return;
    ::dup2(saved_, fd_);
    ::close(saved_);
    saved_ = -1;
  }

 private:
  int fd_;
  int saved_;
};

}  // namespace sluice::testing
