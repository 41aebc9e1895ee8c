#include "follow.hpp"

#include <sluice/error.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "rotated_past.hpp"

namespace sluice::detail::decode {

namespace {

class FollowedFile final : public ByteSource {
 public:
  FollowedFile(std::string path, FollowOptions options)
      : path_(std::move(path)), options_(std::move(options)) {
    fd_ = open_path();
    if (fd_ < 0) throw Error("cannot open " + path_ + ": " + std::strerror(errno));
  }
  ~FollowedFile() override {
    ::close(fd_);
    for (std::size_t i = next_; i < queued_.size(); ++i) ::close(queued_[i]);
  }
  FollowedFile(const FollowedFile&) = delete;
  FollowedFile& operator=(const FollowedFile&) = delete;

  ReadResult read(std::span<std::byte> into) override {
    for (;;) {
      const ssize_t n = ::read(fd_, into.data(), into.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        throw Error("cannot read " + path_ + ": " + std::strerror(errno));
      }
      if (n > 0) {
        offset_ += static_cast<std::uint64_t>(n);
        idle_ = false;
        return {ReadResult::data, static_cast<std::size_t>(n)};
      }
      // At the end of what has been written so far.
      if (stop_requested()) return {ReadResult::end};
      if (next_ < queued_.size()) {  // a file rotated past is whole: on to the next
        ::close(fd_);
        fd_ = queued_[next_++];
        offset_ = 0;
        return {ReadResult::restart};
      }
      switch (look_at_path()) {
        case Change::rotated:
          // The writer may have appended to the old file between our last
          // read and the rename: read it to its end once more first.
          if (!rotation_seen_) {
            rotation_seen_ = true;
            continue;
          }
          if (reopen()) return {ReadResult::restart};
          break;
        case Change::truncated:
          if (::lseek(fd_, 0, SEEK_SET) == 0) {
            offset_ = 0;
            return {ReadResult::truncated};
          }
          break;
        case Change::none:
          break;
      }
      if (!idle_ && options_.on_idle && !options_.on_idle()) return {ReadResult::end};
      idle_ = true;
      std::this_thread::sleep_for(options_.poll);
    }
  }

 private:
  enum class Change { none, rotated, truncated };

  bool stop_requested() const noexcept {
    return options_.stop != nullptr && options_.stop->load(std::memory_order_relaxed);
  }

  // The file at the path, now the one followed (device_, inode_), or -1.
  int open_path() {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return -1;
    }
    device_ = st.st_dev;
    inode_ = st.st_ino;
    offset_ = 0;
    return fd;
  }

  // A file created at the path since: rotated. The same file, shorter than
  // what was read: truncated. No file at the path (renamed, the new one not
  // created yet): nothing to do but wait.
  Change look_at_path() const {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return Change::none;
    if (st.st_dev != device_ || st.st_ino != inode_) return Change::rotated;
    if (static_cast<std::uint64_t>(st.st_size) < offset_) return Change::truncated;
    return Change::none;
  }

  // The file rotated (and read to its end): the files the writer rotated
  // past since, if it rotated more than once before this look, then the
  // new one at the path.
  bool reopen() {
    const int active = open_path();
    if (active < 0) return false;
    queued_ = files_rotated_past(path_, fd_, active);
    queued_.push_back(active);
    next_ = 0;
    ::close(fd_);
    fd_ = queued_[next_++];
    rotation_seen_ = false;
    return true;
  }

  std::string path_;
  FollowOptions options_;
  int fd_ = -1;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  std::uint64_t offset_ = 0;
  bool rotation_seen_ = false;
  bool idle_ = false;
  // After a rotation: the files to read before the path is looked at again
  // (from queued_[next_] on; the last is the one at the path).
  std::vector<int> queued_;
  std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<ByteSource> follow_file(const std::string& path, FollowOptions options) {
  return std::make_unique<FollowedFile>(path, std::move(options));
}

}  // namespace sluice::detail::decode
