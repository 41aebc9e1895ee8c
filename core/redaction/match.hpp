#pragma once
// One secret found in a text: a byte range and what it is.

#include <cstdint>
#include <vector>

#include "sluice/redaction.hpp"

namespace sluice::detail {

struct Match {
  std::uint32_t begin;  // byte offsets in the scanned text, end exclusive
  std::uint32_t end;
  RedactionKind kind;
};

/// Sorts `matches[first..]` by position and merges overlapping ones into
/// their union. The merged range takes the kind of its longest part (a
/// value-based kind over key_value on a tie): `card=4111 1111 1111 1111`
/// is one card, not a key_value that ends at the first space.
void merge_matches(std::vector<Match>& matches, std::size_t first);

}  // namespace sluice::detail
