#pragma once
// The read-only view of one record that sinks and formatters receive.

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/arg_value.hpp"
#include "sluice/level.hpp"

namespace sluice {

class Formatter;
namespace detail {
struct CallSite;
class RecordBuilder;
struct EscapedRecordText;
}  // namespace detail

/// One record, as handed to Sink::write. It is valid only during that call:
/// a sink that needs data later copies it.
///
/// message() and formatted() are computed on first use and cached, so a
/// record is formatted once per distinct formatter however many sinks use it.
/// Not thread-safe: the backend calls sinks one at a time.
///
/// The accessors give the record's exact bytes, except while formatted()
/// runs a Formatter whose reads_raw_text() is false: then the record's text
/// (logger and thread names, format string, call site, message, the text of
/// arguments and fields, field names) reads as the pattern formatter shows
/// it, with its terminal controls written as \xHH (newline and tab kept; a
/// character argument that is such a byte reads as a string argument holding
/// its escape). See docs/patterns.md.
class RecordView {
 public:
  RecordView();
  ~RecordView();
  RecordView(const RecordView&) = delete;
  RecordView& operator=(const RecordView&) = delete;

  /// Wall-clock time, nanoseconds since the Unix epoch (UTC).
  std::int64_t timestamp_ns() const noexcept { return timestamp_ns_; }
  Level level() const noexcept { return level_; }
  std::string_view logger_name() const noexcept {
    return escaping_ ? escaped_names_[kLoggerName] : logger_name_;
  }
  /// The format string as written at the call site.
  std::string_view format_string() const noexcept;
  /// __FILE__ of the call site.
  std::string_view file() const noexcept;
  /// The file's base name without its extension (Python's `module`).
  std::string_view module() const noexcept;
  std::string_view function() const noexcept;
  std::uint32_t line() const noexcept;
  std::uint32_t process_id() const noexcept { return process_id_; }
  std::uint64_t thread_id() const noexcept { return thread_id_; }
  std::string_view thread_name() const noexcept {
    return escaping_ ? escaped_names_[kThreadName] : thread_name_;
  }

  /// The message with its arguments substituted (fields excluded).
  std::string_view message() const;
  /// Structured fields (kv<"name">(value)), in call order.
  std::size_t field_count() const noexcept;
  const FieldView& field(std::size_t index) const;
  /// Message arguments, decoded, in placeholder order.
  std::size_t arg_count() const;
  const ArgValue& arg(std::size_t index) const;

  /// The record as `formatter` renders it, without a trailing newline.
  std::string_view formatted(const Formatter& formatter) const;

  /// Bit `1 << RedactionKind` for each kind redacted from this record, when
  /// RedactionPolicy::annotate is on (0 otherwise, and for records read
  /// back from a binary log).
  std::uint32_t redacted_kinds() const noexcept { return redacted_kinds_; }

  /// Internal: the call site and its encoded argument bytes.
  const detail::CallSite& call_site() const noexcept { return *site_; }
  std::span<const std::byte> encoded_args() const noexcept { return args_; }
  /// Internal: non-zero for records from the backend's queues, where two
  /// records with the same key have the same logger name, thread id and
  /// thread name (the binary encoder compares the key instead of the names);
  /// 0 when nothing is promised (records read back from a binary log).
  std::uint64_t names_key() const noexcept { return names_key_; }

 private:
  friend class detail::RecordBuilder;
  friend struct detail::EscapedRecordText;
  void decode() const;
  std::string_view exact_message() const;
  // The escaped text of the names (escaped_names_) for a formatter that
  // does not read raw text, once per record: the call site's escaped once
  // per site, the logger's and thread's once per names_key (see
  // core/escaped_site_names.hpp). The message, arguments and fields are
  // escaped on first use.
  void escape_names() const;
  std::string_view escaped_message() const;
  const detail::EscapedRecordText& escaped_values() const;

  enum EscapedName : std::uint8_t {
    kLoggerName,
    kThreadName,
    kFile,
    kFunction,
    kModule,
    kFormatString,
    kEscapedNames
  };

  std::int64_t timestamp_ns_ = 0;
  const detail::CallSite* site_ = nullptr;
  Level level_ = Level::info;  // the call site's, copied: sinks' filters read it per record
  std::string_view logger_name_;
  std::uint32_t process_id_ = 0;
  std::uint64_t thread_id_ = 0;
  std::string_view thread_name_;
  std::span<const std::byte> args_;
  std::uint32_t redacted_kinds_ = 0;
  std::uint64_t names_key_ = 0;

  // Lazily computed; reset for every record, storage reused.
  mutable bool decoded_ = false;
  mutable bool message_ready_ = false;
  mutable std::vector<ArgValue> args_decoded_;
  mutable std::vector<FieldView> fields_;
  mutable std::string custom_text_;  // backing store of custom args' text
  mutable std::string message_;
  // A deque: texts handed out earlier for this record stay where they are
  // when a formatter met later (maybe inside another one's format()) adds
  // an entry.
  mutable std::deque<std::pair<const Formatter*, std::string>> formatted_;
  mutable std::size_t formatted_count_ = 0;

  // While formatted() runs a formatter given escaped text
  // (Formatter::reads_raw_text): the accessors read what follows.
  mutable bool escaping_ = false;
  mutable bool names_escaped_ = false;    // escaped_names_ are this record's
  mutable bool message_escaped_ = false;  // escaped_'s message is this record's
  mutable bool values_escaped_ = false;   // escaped_'s arguments and fields are
  mutable std::array<std::string_view, kEscapedNames> escaped_names_{};
  mutable std::unique_ptr<detail::EscapedRecordText> escaped_;  // storage, kept across records
};

}  // namespace sluice
