#pragma once
// What the sluice-decode tests share: binary logs built record by record
// with the real BinaryEncoder, a temporary directory, and sluice-decode run
// in-process with its stdout and stderr captured.

#include <catch2/catch.hpp>
#include <sluice/formatter.hpp>
#include <sluice/kv.hpp>

#include <stdio.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "binary_format.hpp"
#include "options.hpp"
#include "record_fixture.hpp"
#include "run.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {

/// 2026-11-23T10:00:00Z
inline constexpr std::int64_t kT0 = 1'795'428'000'000'000'000;
inline constexpr std::int64_t kSecond = 1'000'000'000;

inline constexpr detail::SourceLocation kLogin{"user {} logged in from {}", "src/app/pool.cpp",
                                               "acquire", 42, Level::info};
inline constexpr detail::SourceLocation kTimeout{"request timed out after {} ms",
                                                 "src/api/handler.cpp", "serve", 7, Level::warning};
inline constexpr detail::SourceLocation kCrash{"worker {} crashed", "src/worker.cpp", "run", 99,
                                               Level::error};
inline constexpr detail::SourceLocation kCache{"cache miss", "src/cache.cpp", "get", 12,
                                               Level::debug};

/// A binary log built in memory; each add() also renders the record with
/// the JsonFormatter, which is what decoding it must give back.
class LogBuilder {
 public:
  /// `created_ns`: the file header's `created`, which tells the files of a
  /// rotated set apart.
  explicit LogBuilder(std::int64_t created_ns = kT0)
      : encoder_({4242, "host-a", "svc", "1.0", created_ns}),
        bytes_(detail::binlog::BinaryEncoder::preamble()) {}

  template <const detail::SourceLocation& Location, class... Args>
  void add(RecordMeta meta, const Args&... args) {
    const RecordView& view = fixture_.build<Location>(std::move(meta), args...);
    json_.emplace_back();
    JsonFormatter().format(view, json_.back());
    encoder_.add(view);
  }
  void end_block() { encoder_.finish_block(bytes_); }
  /// The file so far, with the open block closed.
  const std::string& bytes() {
    end_block();
    return bytes_;
  }
  /// Takes the bytes written since the last take (for appending to a file).
  std::string take() {
    end_block();
    std::string out = bytes_.substr(taken_);
    taken_ = bytes_.size();
    return out;
  }
  const std::vector<std::string>& json() const noexcept { return json_; }

 private:
  detail::binlog::BinaryEncoder encoder_;
  RecordFixture fixture_;
  std::string bytes_;
  std::size_t taken_ = 0;
  std::vector<std::string> json_;
};

inline RecordMeta meta_at(std::int64_t ns, std::string logger = "app",
                          std::string thread_name = "main", std::uint64_t thread_id = 100) {
  RecordMeta meta;
  meta.timestamp_ns = ns;
  meta.logger = std::move(logger);
  meta.process_id = 4242;
  meta.thread_id = thread_id;
  meta.thread_name = std::move(thread_name);
  return meta;
}

inline void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

/// Lines joined with "\n" after each, as sluice-decode writes them.
inline std::string lines(const std::vector<std::string>& each) {
  std::string out;
  for (const std::string& line : each) out += line + '\n';
  return out;
}

struct DecodeResult {
  int status;
  std::string out;
  std::string err;
};

inline std::string read_back(FILE* file) {
  std::string text;
  std::rewind(file);
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, n);
  std::fclose(file);
  return text;
}

/// sluice-decode with these arguments, in-process; `now_ns` anchors relative
/// times. A usage error gives status 2 and its message on `err`, as main()
/// prints it.
inline DecodeResult decode(std::vector<std::string_view> args, std::int64_t now_ns = kT0) {
  using namespace detail::decode;
  Options options;
  try {
    options = parse_options(args, now_ns);
  } catch (const UsageError& e) {
    return {2, "", std::string("sluice-decode: ") + e.what() + "\n"};
  }
  FILE* out = std::tmpfile();
  FILE* err = std::tmpfile();
  REQUIRE(out != nullptr);
  REQUIRE(err != nullptr);
  Environment env;
  env.out = out;
  env.err = err;
  const int status = run(options, env);
  return {status, read_back(out), read_back(err)};
}

}  // namespace sluice::testing
