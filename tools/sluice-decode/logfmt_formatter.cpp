#include "logfmt_formatter.hpp"

#include <sluice/record.hpp>

#include <array>
#include <string_view>

#include "text_util.hpp"

namespace sluice::detail::decode {

namespace {

// The JsonFormatter's reserved keys, "redacted" (its redaction annotation)
// included although logfmt writes no annotation: a field keeps one key in
// both formats.
constexpr std::array<std::string_view, 11> kStandardKeys{
    "timestamp", "level",   "logger_name", "message",     "module",  "function",
    "line",      "process", "thread",      "thread_name", "redacted"};

void append_key(std::string_view key, TextBuffer& out) {
  for (const std::string_view standard : kStandardKeys) {
    if (key == standard) {
      out.append('_');
      break;
    }
  }
  if (key.empty()) out.append('_');
  for (std::size_t i = 0; i < key.size();) {
    const auto byte = static_cast<unsigned char>(key[i]);
    if (byte < 0x80) {
      const bool bad = byte <= 0x20 || byte == 0x7F || byte == '=' || byte == '"';
      out.append(bad ? '_' : key[i]);
      ++i;
      continue;
    }
    // A UTF-8 sequence the length its lead byte says, kept if it is valid
    // and no C1 control (U+009B is a terminal's CSI); else its lead byte is
    // one '_' and the bytes after it are looked at on their own.
    const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
    const std::string_view sequence = key.substr(i, length);
    if (sequence.size() == length && is_log_text_as_is(sequence)) {
      out.append(sequence);
      i += length;
    } else {
      out.append('_');
      ++i;
    }
  }
  out.append('=');
}

}  // namespace

void LogfmtFormatter::format(const RecordView& record, std::string& text) const {
  TextBuffer out(text);
  out.append("timestamp=");
  append_iso8601(record.timestamp_ns(), false, out);
  out.append(" level=");
  out.append(level_name(record.level()));
  out.append(" logger_name=");
  append_logfmt_value(record.logger_name(), out);
  out.append(" message=");
  append_logfmt_value(record.message(), out);
  out.append(" module=");
  append_logfmt_value(record.module(), out);
  out.append(" function=");
  append_logfmt_value(record.function(), out);
  out.append(" line=");
  append_decimal(record.line(), out);
  out.append(" process=");
  append_decimal(record.process_id(), out);
  out.append(" thread=");
  append_decimal(record.thread_id(), out);
  out.append(" thread_name=");
  append_logfmt_value(record.thread_name(), out);
  const std::size_t count = record.field_count();
  for (std::size_t i = 0; i < count; ++i) {
    const FieldView& field = record.field(i);
    out.append(' ');
    append_key(field.name, out);
    append_logfmt_field_value(field.value, out);
  }
  out.flush();
}

}  // namespace sluice::detail::decode
