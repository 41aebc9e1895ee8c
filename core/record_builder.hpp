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
    start_run(view, source.process_id, source.thread_id, source.thread_name);
    set_logger(view, source.logger_name, source.names_key);
    next_record(view, source.timestamp_ns, source.site, source.args, source.redacted_kinds);
  }

  // The backend's run of records from one thread queue (Backend::process_run)
  // sets what its records share once, then per record only what differs:
  // reset() is start_run() + set_logger() + next_record().

  /// The thread's fields, for the records that follow.
  static void start_run(RecordView& view, std::uint32_t process_id, std::uint64_t thread_id,
                        std::string_view thread_name) noexcept {
    view.process_id_ = process_id;
    view.thread_id_ = thread_id;
    view.thread_name_ = thread_name;
    view.names_escaped_ = false;
  }
  /// The logger's name and the key of the names (RecordView::names_key),
  /// for the records that follow.
  static void set_logger(RecordView& view, std::string_view logger_name,
                         std::uint64_t names_key) noexcept {
    view.logger_name_ = logger_name;
    view.names_key_ = names_key;
    view.names_escaped_ = false;
  }
  /// Points `view` at the next record of the run, keeping the fields set by
  /// start_run() and set_logger(), and forgets the previous one's caches.
  static void next_record(RecordView& view, std::int64_t timestamp_ns, const CallSite* site,
                          std::span<const std::byte> args, std::uint32_t redacted_kinds) noexcept {
    view.timestamp_ns_ = timestamp_ns;
    view.site_ = site;
    view.level_ = site->level;
    view.args_ = args;
    view.redacted_kinds_ = redacted_kinds;
    view.decoded_ = false;
    view.message_ready_ = false;
    view.names_escaped_ = false;
    view.message_escaped_ = false;
    view.values_escaped_ = false;
    view.formatted_count_ = 0;
  }
};

}  // namespace sluice::detail
