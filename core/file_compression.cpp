#include "file_compression.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "fd_writer.hpp"
#include "sluice/error.hpp"

namespace sluice::detail {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

std::string os_error(int error) { return std::generic_category().message(error); }

int open_or_throw(const std::filesystem::path& path, int flags, const char* what) {
  const int fd = open_fd(path.c_str(), flags, 0644);
  if (fd < 0)
    throw Error(std::string("cannot ") + what + ' ' + quoted(path) + ": " + os_error(errno));
  return fd;
}

// Reads up to size bytes; 0 at the end. Throws on an error.
std::size_t read_some(int fd, char* data, std::size_t size, const std::filesystem::path& path) {
  for (;;) {
    const ::ssize_t n = ::read(fd, data, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw Error("cannot read " + quoted(path) + ": " + os_error(errno));
  }
}

void write_all(int fd, const char* data, std::size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    const ::ssize_t n = ::write(fd, data, size);
    if (n > 0) {
      data += n;
      size -= static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      throw Error("cannot write " + quoted(path) + ": " +
                  (n < 0 ? os_error(errno) : std::string("write(2) wrote nothing")));
    }
  }
}

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const noexcept { ZSTD_freeCCtx(c); }
};

void compress_into(int in_fd, int out_fd, int level, const std::filesystem::path& from,
                   const std::filesystem::path& to) {
  const std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx());
  if (!cctx) throw Error("zstd: cannot allocate a compression context");
  const auto check = [&](std::size_t r) {
    if (ZSTD_isError(r))
      throw Error("zstd: cannot compress " + quoted(from) + ": " + ZSTD_getErrorName(r));
    return r;
  };
  check(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level));
  check(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1));
  std::vector<char> in(ZSTD_CStreamInSize());
  std::vector<char> out(ZSTD_CStreamOutSize());
  for (;;) {
    const std::size_t got = read_some(in_fd, in.data(), in.size(), from);
    const bool last = got == 0;
    ZSTD_inBuffer input{in.data(), got, 0};
    for (;;) {
      ZSTD_outBuffer output{out.data(), out.size(), 0};
      const std::size_t left = check(
          ZSTD_compressStream2(cctx.get(), &output, &input, last ? ZSTD_e_end : ZSTD_e_continue));
      write_all(out_fd, out.data(), output.pos, to);
      if (last ? left == 0 : input.pos == input.size) break;
    }
    if (last) return;
  }
}

}  // namespace

void compress_file(const std::filesystem::path& from, const std::filesystem::path& to, int level) {
  try {
    const Fd in(open_or_throw(from, O_RDONLY, "open"));
    const Fd out(open_or_throw(to, O_WRONLY | O_CREAT | O_TRUNC, "create"));
    compress_into(in.get(), out.get(), level, from, to);
    // Retention by age reads the modification time: the compressed file
    // keeps the original's (its last record's), not the compression's.
    struct stat source {};
    if (::fstat(in.get(), &source) == 0) {
      const struct timespec times[2] = {source.st_atim, source.st_mtim};
      ::futimens(out.get(), times);
    }
    if (::fsync(out.get()) != 0) throw Error("cannot sync " + quoted(to) + ": " + os_error(errno));
  } catch (...) {
    std::error_code ignored;
    // Only a file this call created: `to` may be a directory someone put
    // there, which is not ours to remove.
    if (std::filesystem::is_regular_file(to, ignored)) std::filesystem::remove(to, ignored);
    throw;
  }
}

void sync_directory(const std::filesystem::path& dir) noexcept {
  const int fd = open_fd(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace sluice::detail
