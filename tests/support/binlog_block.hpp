#pragma once
// Framing a block by hand: tests that need a block whose checksum matches but
// whose entries do not parse (which no conforming writer produces) cut or
// change a real block's payload and frame it again.

#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "binary_format.hpp"

namespace sluice::testing {

/// `payload` framed as a block: sync marker, length, XXH3-64 checksum.
inline std::string frame_block(std::string_view payload) {
  std::string block(detail::binlog::kBlockHeaderSize, '\0');
  const auto length = static_cast<std::uint32_t>(payload.size());
  const std::uint64_t checksum = XXH3_64bits(payload.data(), payload.size());
  std::memcpy(block.data(), &detail::binlog::kSyncMarker, 4);
  std::memcpy(block.data() + 4, &length, 4);
  std::memcpy(block.data() + 8, &checksum, 8);
  return block.append(payload);
}

/// The payload of a framed block (its header dropped).
inline std::string_view block_payload(std::string_view block) {
  return block.substr(detail::binlog::kBlockHeaderSize);
}

}  // namespace sluice::testing
