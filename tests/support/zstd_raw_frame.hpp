#pragma once
// zstd frames built by hand (RFC 8878), with every block stored raw: what a
// damaged frame does to its neighbours is then easy to arrange.

#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice::testing {

inline constexpr std::size_t kRawFrameHeaderSize = 6;  // magic, descriptor, window
inline constexpr std::size_t kRawBlockHeaderSize = 3;

/// A raw block's 3-byte header: bit 0 last, bits 1-2 type (0: raw), size.
inline std::string raw_block_header(std::size_t size, bool last) {
  const auto h = static_cast<std::uint32_t>(size << 3 | (last ? 1u : 0u));
  return {static_cast<char>(h & 0xFF), static_cast<char>(h >> 8 & 0xFF),
          static_cast<char>(h >> 16 & 0xFF)};
}

/// The header of a frame of raw_frame() or raw_open_frame().
inline std::string raw_frame_header(bool checksum) {
  // Descriptor: no content size, not single-segment, checksum flag (bit 2),
  // no dictionary; window descriptor 0x50: 1 MiB.
  std::string header("\x28\xb5\x2f\xfd", 4);
  header += static_cast<char>(checksum ? 0x04 : 0x00);
  header += '\x50';
  return header;
}

/// `content` as one zstd frame of raw blocks (one per element of `blocks`,
/// which concatenated are the content), with a content checksum unless
/// `checksum` is false.
inline std::string raw_frame(std::initializer_list<std::string_view> blocks, bool checksum = true) {
  std::string frame = raw_frame_header(checksum);
  std::string content;
  std::size_t left = blocks.size();
  for (const std::string_view block : blocks) {
    frame += raw_block_header(block.size(), --left == 0);
    frame += block;
    content += block;
  }
  if (checksum) {
    const auto sum = static_cast<std::uint32_t>(XXH64(content.data(), content.size(), 0));
    char bytes[4];
    std::memcpy(bytes, &sum, 4);
    frame.append(bytes, 4);
  }
  return frame;
}

}  // namespace sluice::testing
