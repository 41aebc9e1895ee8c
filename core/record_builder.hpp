#pragma once
// Fills the RecordView that the backend hands to sinks (the view's only writer).

#include <cstdint>
#include <span>
#include <string_view>

#include "sluice/detail/call_site.hpp"
#include "sluice/record.hpp"

namespace sluice::detail {

class RecordBuilder {
 public:
  struct Source {
    std::int64_t timestamp_ns;
    const CallSite* site;
    std::string_view logger_name;
    std::uint32_t process_id;
    std::uint64_t thread_id;
    std::string_view thread_name;
    std::span<const std::byte> args;
    std::uint32_t redacted_kinds = 0;  // see RecordView::redacted_kinds
    std::uint64_t names_key = 0;       // see RecordView::names_key
  };
  /// Points `view` at a new record and forgets the previous one's caches.
  static void reset(RecordView& view, const Source& source) noexcept {
    view.timestamp_ns_ = source.timestamp_ns;
    view.site_ = source.site;
    view.level_ = source.site->level;
    view.logger_name_ = source.logger_name;
    view.process_id_ = source.process_id;
    view.thread_id_ = source.thread_id;
    view.thread_name_ = source.thread_name;
    view.args_ = source.args;
    view.redacted_kinds_ = source.redacted_kinds;
    view.names_key_ = source.names_key;
    view.decoded_ = false;
    view.message_ready_ = false;
    view.formatted_count_ = 0;
  }
};

}  // namespace sluice::detail
