#pragma once
// Framing a block by hand: tests that need a block whose checksum matches but
// whose entries do not parse (which no conforming writer produces) cut or
// change a real block's payload and frame it again.

#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "binary_format.hpp"

namespace sluice::testing {

/// `payload` framed as a block: sync marker, length, XXH3-64 checksum seeded
/// with `seed` (format 3: the file's, see file_seed()).
inline std::string frame_block(std::string_view payload, std::uint64_t seed) {
  std::string block(detail::binlog::kBlockHeaderSize, '\0');
  const auto length = static_cast<std::uint32_t>(payload.size());
  const std::uint64_t checksum = XXH3_64bits_withSeed(payload.data(), payload.size(), seed);
  std::memcpy(block.data(), &detail::binlog::kSyncMarker, 4);
  std::memcpy(block.data() + 4, &length, 4);
  std::memcpy(block.data() + 8, &checksum, 8);
  return block.append(payload);
}

/// The payload of a framed block (its header dropped).
inline std::string_view block_payload(std::string_view block) {
  return block.substr(detail::binlog::kBlockHeaderSize);
}

/// The checksum seed of the file that `segment_start` (a framed block that
/// starts a segment, i.e. with the file header) belongs to: the XXH3-64 of
/// the header's body.
inline std::uint64_t file_seed(std::string_view segment_start) {
  const std::string_view payload = block_payload(segment_start);
  const auto size = static_cast<unsigned char>(payload.at(1));  // a one-byte varint
  if (payload.at(0) != '\x01' || size >= 0x80) throw std::logic_error("not a segment start");
  return XXH3_64bits(payload.data() + 2, size);
}

}  // namespace sluice::testing
