#pragma once
// memcpy for the short pieces log lines are made of, without the call.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sluice::detail {

/// Copies `n` bytes. Most pieces of a record (digits, a level name, a short
/// literal) are a few bytes long, and calling memcpy costs more than copying
/// them: up to 16 bytes take two overlapping loads and stores.
inline void copy_short(char* to, const char* from, std::size_t n) noexcept {
  if (n >= 8 && n <= 16) {
    std::uint64_t head, tail;
    std::memcpy(&head, from, 8);
    std::memcpy(&tail, from + n - 8, 8);
    std::memcpy(to, &head, 8);
    std::memcpy(to + n - 8, &tail, 8);
  } else if (n >= 4 && n < 8) {
    std::uint32_t head, tail;
    std::memcpy(&head, from, 4);
    std::memcpy(&tail, from + n - 4, 4);
    std::memcpy(to, &head, 4);
    std::memcpy(to + n - 4, &tail, 4);
  } else if (n > 0 && n < 4) {  // 1, 2 or 3 bytes: first, middle, last
    to[0] = from[0];
    to[n / 2] = from[n / 2];
    to[n - 1] = from[n - 1];
  } else if (n > 16) {
    std::memcpy(to, from, n);
  }
}

}  // namespace sluice::detail
