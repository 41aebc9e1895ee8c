#pragma once
// Text rendering shared by the formatters and (later) the decoder tool, so
// that live and decoded output are byte for byte the same: ISO 8601
// timestamps, JSON strings and values, logfmt values.
//
// The functions write to a TextBuffer, which formatters use to keep the cost
// of many small appends off the per-record path; the std::string overloads
// are for everyone else. Nothing here allocates unless the string must grow.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "sluice/arg_value.hpp"
#include "sluice/detail/copy_short.hpp"

namespace sluice::detail {

/// Gathers small pieces of text in a stack block and appends them to a
/// std::string a block at a time. A record is made of some thirty pieces,
/// and one std::string::append per piece costs more than formatting them.
/// Call flush() at the end: the destructor does not (it may not throw).
class TextBuffer {
 public:
  static constexpr std::size_t kCapacity = 512;

  explicit TextBuffer(std::string& out) noexcept : out_(out) {}
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;

  void append(std::string_view text) {
    if (text.size() > kCapacity - size_) return append_long(text);
    copy_short(data_ + size_, text.data(), text.size());
    size_ += text.size();
  }
  void append(char ch) {
    if (size_ == kCapacity) flush();
    data_[size_++] = ch;
  }
  void append(std::size_t count, char ch) {
    while (count > 0) {
      if (size_ == kCapacity) flush();
      const std::size_t n = count < kCapacity - size_ ? count : kCapacity - size_;
      for (std::size_t i = 0; i < n; ++i) data_[size_ + i] = ch;  // usually a few
      size_ += n;
      count -= n;
    }
  }
  /// Room for `n` <= kCapacity contiguous bytes; commit() what was written.
  char* reserve(std::size_t n) {
    if (n > kCapacity - size_) flush();
    return data_ + size_;
  }
  void commit(char* end) noexcept { size_ = static_cast<std::size_t>(end - data_); }

  /// Bytes appended to the string so far, staged ones included.
  std::size_t size() const noexcept { return out_.size() + size_; }
  /// Drops what was appended after size() was `size` (for a writer that
  /// gives up half way).
  void truncate(std::size_t size) {
    if (size >= out_.size()) {
      size_ = size - out_.size();
    } else {
      out_.resize(size);
      size_ = 0;
    }
  }

  /// Appends what is staged to the string.
  void flush();
  /// The string, flushed (for code that must work on it directly).
  std::string& string() {
    flush();
    return out_;
  }

 private:
  // Out of line, so that append() stays small enough to inline.
  void append_long(std::string_view text);

  std::string& out_;
  std::size_t size_ = 0;
  char data_[kCapacity];
};

/// Appends `ns` (nanoseconds since the Unix epoch) as ISO 8601 with nine
/// fraction digits: "2026-11-23T11:50:51.123456789Z" in UTC, or with the local
/// offset ("...+01:00", "+00:00" for a zero offset) when `local` is true. The
/// date and time of the last second seen is cached per thread and per zone.
/// The local zone is read through localtime_r: a change of TZ takes effect
/// after tzset() and a new second.
void append_iso8601(std::int64_t ns, bool local, TextBuffer& out);
void append_iso8601(std::int64_t ns, bool local, std::string& out);

/// Appends `text` escaped per RFC 8259, without quotes: `"` `\` as `\"` `\\`,
/// \n \r \t \b \f as such, other bytes below 0x20, 0x7F and the C1 controls
/// U+0080..U+009F as \u00xx (lower-case hex; U+009B is a terminal's CSI). Valid UTF-8 passes
/// through; each maximal ill-formed subsequence (a bad lead byte, a truncated sequence, an overlong
/// form, a surrogate, a code point above U+10FFFF) becomes \ufffd, as in Unicode's "U+FFFD
/// substitution of maximal subparts" (what Python's errors="replace" does).
void append_json_escaped(std::string_view text, TextBuffer& out);
void append_json_escaped(std::string_view text, std::string& out);

/// Appends `byte` as \xHH (lower-case hex): how a byte is shown that must
/// not reach a terminal or a line reader as it is (error messages).
void append_hex_escape(unsigned char byte, std::string& out);

/// How append_display_escaped writes the ASCII control bytes.
enum class ControlBytes {
  hex,           ///< every one, tab and newline included, as \xHH
  tab_and_named  ///< tab as is, newline and carriage return as \n and \r, the others \xHH
};

/// Appends `text` for an operator to read on one line, unambiguously (error
/// messages): printable ASCII as it is, `\` as `\\`, the control bytes as
/// `controls` says, each byte of a C1 control written in UTF-8
/// (U+0080..U+009F, U+009B is a terminal's CSI) and of an ill-formed UTF-8
/// sequence as \xHH. Other valid UTF-8 passes as it is.
void append_display_escaped(std::string_view text, ControlBytes controls, std::string& out);

/// Appends the text of a log line (the pattern formatter's message, names and
/// call site) so that it cannot drive the terminal that shows the log:
/// newline and tab as they are (multi-line messages), the other ASCII control
/// bytes (ESC, \r, ...) and 0x7F as \xHH, the C1 controls and ill-formed
/// UTF-8 as append_display_escaped writes them; everything else, a backslash
/// included, as it is. Clean text is copied in runs, checked 8 bytes at a time.
void append_log_text(std::string_view text, TextBuffer& out);
void append_log_text(std::string_view text, std::string& out);

/// The length of the longest prefix of `text` that append_log_text writes as
/// it is; it ends at a character boundary (text.size() when all of it is).
std::size_t log_text_as_is_prefix(std::string_view text) noexcept;
/// True if append_log_text writes `text` as it is (it has nothing to escape).
inline bool is_log_text_as_is(std::string_view text) noexcept {
  return log_text_as_is_prefix(text) == text.size();
}
/// Appends append_log_text's output for `text`, whose first `clean` bytes
/// are log_text_as_is_prefix's: copied, not scanned again.
void append_log_text_after(std::string_view text, std::size_t clean, std::string& out);
/// True if `text` has nothing to escape (`storage` untouched); else false,
/// with `storage` holding append_log_text's output for it. The clean prefix
/// is copied, not scanned a second time.
/// Inline: most texts are clean, and then this is the scan alone.
inline bool escape_log_text_unless_as_is(std::string_view text, std::string& storage) {
  const std::size_t clean = log_text_as_is_prefix(text);
  if (clean == text.size()) return true;
  storage.clear();
  append_log_text_after(text, clean, storage);
  return false;
}

/// True if `text` is well-formed UTF-8 (append_json_escaped replaces nothing).
bool is_valid_utf8(std::string_view text) noexcept;

/// `"` + append_json_escaped(text) + `"`.
void append_json_string(std::string_view text, TextBuffer& out);
void append_json_string(std::string_view text, std::string& out);

/// Appends a field value as a JSON value: integers as numbers, floats as the
/// shortest round-trip number (f32 as float), NaN and infinities as the
/// strings "NaN", "Infinity", "-Infinity", bool as true/false, a character,
/// string or custom value as a string, a pointer as a "0x..." string.
void append_json_value(const ArgValue& value, TextBuffer& out);
void append_json_value(const ArgValue& value, std::string& out);

/// Appends `text` as a logfmt value: as is, or, when it is empty or contains a
/// space, `"`, `=`, a control byte (below 0x20, or 0x7F), a C1 control
/// (U+0080..U+009F) or ill-formed UTF-8, in double quotes with `"` and `\`
/// escaped as `\"` and `\\`, \n \r \t as such, other control bytes and the
/// C1 controls as \u00xx and each maximal ill-formed subsequence as \ufffd
/// (the quoting of go-logfmt, with the C1 controls escaped as JSON has them).
void append_logfmt_value(std::string_view text, TextBuffer& out);
void append_logfmt_value(std::string_view text, std::string& out);

/// Appends a field value for text output: numbers, bool and pointers as "{}"
/// renders them (as in messages), a character, string or custom value through
/// append_logfmt_value.
void append_logfmt_field_value(const ArgValue& value, TextBuffer& out);
void append_logfmt_field_value(const ArgValue& value, std::string& out);

/// The base name of `file` without its extension (Python's `module`):
/// "src/app/main.cpp" -> "main", ".hidden" -> ".hidden". A view into `file`.
std::string_view module_of(std::string_view file) noexcept;

/// Appends the decimal digits of `value`.
void append_decimal(std::uint64_t value, TextBuffer& out);

}  // namespace sluice::detail
