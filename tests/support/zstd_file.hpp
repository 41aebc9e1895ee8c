#pragma once
// Reads a file that may be zstd-compressed (rotated logs), for tests.

#include <catch2/catch.hpp>

#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sluice::testing {

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

/// The content of `path`, decompressed when its name ends in ".zst". A
/// damaged or truncated stream fails the test.
inline std::string read_log(const std::filesystem::path& path) {
  const std::string bytes = read_bytes(path);
  if (path.extension() != ".zst") return bytes;
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::string out;
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  std::size_t left = 0;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    left = ZSTD_decompressStream(dctx, &o, &in);
    if (ZSTD_isError(left)) break;
    out.append(chunk.data(), o.pos);
  }
  ZSTD_freeDCtx(dctx);
  INFO(path);
  REQUIRE(!ZSTD_isError(left));
  REQUIRE(left == 0);  // the last frame is complete
  return out;
}

}  // namespace sluice::testing
