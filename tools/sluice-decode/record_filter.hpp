#pragma once
// The record filters of FilterOptions, cheapest first. Only --grep needs the
// formatted message; --field decodes the arguments but formats nothing else.

#include <sluice/record.hpp>

#include <cstdint>
#include <string>

#include "options.hpp"

namespace sluice::detail::decode {

class RecordFilter {
 public:
  explicit RecordFilter(FilterOptions options);

  /// True if no filter is set (every record passes).
  bool empty() const noexcept { return empty_; }
  /// Inline: without filters (the common run) it costs one test per record.
  bool accepts(const RecordView& record) { return empty_ || matches(record); }
  /// True if accepts() reads the records' arguments (--field, --grep).
  bool needs_arguments() const noexcept {
    return !options_.fields.empty() || options_.grep.has_value();
  }

  /// Messages this filter had formatted: 0 unless --grep is set. The tests
  /// hold the filter to "no message formatting unless needed" with it.
  std::uint64_t messages_formatted() const noexcept { return messages_formatted_; }

 private:
  bool matches(const RecordView& record);
  bool logger_matches(std::string_view name) const noexcept;
  bool thread_matches(const RecordView& record) const noexcept;
  bool fields_match(const RecordView& record);

  FilterOptions options_;
  bool empty_ = true;
  bool thread_is_number_ = false;
  std::uint64_t thread_number_ = 0;
  std::string scratch_;
  std::uint64_t messages_formatted_ = 0;
};

}  // namespace sluice::detail::decode
