#pragma once
// What a log macro knows at its call site.

#include <cstdint>
#include <string_view>

#include "sluice/level.hpp"

namespace sluice::detail {

/// What the macro knows at the call site: a static constexpr object per
/// statement, used as a template argument so that each (statement, argument
/// types) pair gets exactly one CallSite.
struct SourceLocation {
  std::string_view format;
  std::string_view file;
  std::string_view function;
  std::uint32_t line;
  Level level;
};

}  // namespace sluice::detail
