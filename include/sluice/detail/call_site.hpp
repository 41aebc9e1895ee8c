#pragma once
// Static metadata of one log statement, and the record header that points to it.

#include <array>
#include <cstdint>
#include <string_view>

#include "sluice/detail/arg_encoding.hpp"
#include "sluice/detail/binary_args.hpp"
#include "sluice/detail/message_format.hpp"
#include "sluice/detail/source_location.hpp"
#include "sluice/level.hpp"

namespace sluice::detail {

/// A call site's full static metadata. Records carry a pointer to it; the
/// backend registers it (gives it a dense id) the first time it sees it.
///
/// One with a format_message is a static CallSiteOf<>::value: it lives,
/// unchanged, as long as the process, so its address identifies it (the
/// binary encoder, the redactor and the JSON fragments key on it). Run-time
/// ones (format_message null: read back from a binary log, or a redactor's
/// text variant) may be freed and their address reused by another site.
struct CallSite {
  std::string_view format;
  std::string_view file;
  std::string_view function;
  std::uint32_t line;
  Level level;
  const ArgInfo* args;
  std::uint32_t arg_count;
  std::uint32_t field_count;
  /// Formats the message from the encoded arguments with their static types;
  /// null for call sites read back from a binary log (decoded at run time).
  FormatMessageFn format_message;
  /// Writes the arguments in the binary log's encoding, made for their
  /// static types; null when one is a string or a custom value, and for
  /// run-time call sites (the binary encoder then goes by `args`).
  binlog::PutFixedArgsFn put_fixed_args;
};

template <const SourceLocation& Location, class... Args>
struct CallSiteOf {
  static constexpr std::array<ArgInfo, sizeof...(Args)> args{arg_info_of<Args>()...};
  static constexpr std::uint32_t fields =
      (std::uint32_t{0} + ... + (is_field<std::remove_cvref_t<Args>>::value ? 1u : 0u));
  static constexpr CallSite value{Location.format,
                                  Location.file,
                                  Location.function,
                                  Location.line,
                                  Location.level,
                                  args.data(),
                                  sizeof...(Args),
                                  fields,
                                  &format_message<Location, Args...>,
                                  binlog::put_fixed_args_for<kind_of<value_type_t<Args>>()...>()};
};

/// The fixed part of every record in a thread queue. `size` covers the header
/// and the encoded arguments and is a multiple of 8.
struct RecordHeader {
  std::uint32_t size;
  std::uint32_t logger_id;
  std::uint64_t timestamp;  // raw clock ticks, converted on the backend
  const CallSite* site;
};
static_assert(sizeof(RecordHeader) == 24);

/// logger_id value of a padding entry that sends the reader back to offset 0.
inline constexpr std::uint32_t kWrapMarker = 0xFFFFFFFFu;

}  // namespace sluice::detail
