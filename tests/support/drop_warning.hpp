#pragma once
// The text of the backend's WARNING for dropped records, after its count
// ("<n> log records were dropped: ..."), as the tests expect it exactly.

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::testing {

inline constexpr std::string_view kDropWarningReason =
    " log records were dropped: a thread queue was full (drop policy, or block where waiting "
    "could not end: backend stopping or stopped, on the backend thread or in an error "
    "handler), a record was larger than a queue, or a thread's queue or the backend could not be "
    "allocated";

/// The whole WARNING for `count` dropped records.
inline std::string drop_warning(std::uint64_t count) {
  return std::to_string(count) + std::string(kDropWarningReason);
}

}  // namespace sluice::testing
