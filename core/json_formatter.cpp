// JsonFormatter: one object per record, keys in a fixed order. The rendering
// of strings and values lives in text_util so that the decoder's JSON output
// is the same code.

#include <array>
#include <string>
#include <string_view>

#include "sluice/error.hpp"
#include "sluice/formatter.hpp"
#include "sluice/record.hpp"
#include "text_util.hpp"

namespace sluice {

namespace {

// The standard keys except the logger's, whose name is configurable.
constexpr std::array<std::string_view, 9> kStandardKeys{"timestamp", "level",    "message",
                                                        "module",    "function", "line",
                                                        "process",   "thread",   "thread_name"};

bool is_standard_key(std::string_view key, std::string_view logger_key) noexcept {
  if (key == logger_key) return true;
  for (const std::string_view standard : kStandardKeys) {
    if (key == standard) return true;
  }
  return false;
}

// `"key":`, or `"_key":` when the key is taken.
void append_key(std::string_view key, bool taken, std::string& out) {
  out += '"';
  if (taken) out += '_';
  detail::append_json_escaped(key, out);
  out += "\":";
}

}  // namespace

JsonFormatter::JsonFormatter(JsonOptions options) : options_(std::move(options)) {
  const std::string_view logger_key = options_.logger_key;
  if (logger_key.empty() || is_standard_key(logger_key, {})) {
    throw Error("invalid JsonOptions::logger_key \"" + options_.logger_key +
                "\": it must be non-empty and differ from the other standard keys");
  }
  for (const auto& [key, value] : options_.static_fields) {
    static_suffix_ += ',';
    append_key(key, is_standard_key(key, logger_key), static_suffix_);
    detail::append_json_string(value, static_suffix_);
  }
}

void JsonFormatter::format(const RecordView& record, std::string& out) const {
  out += "{\"timestamp\":\"";
  detail::append_iso8601(record.timestamp_ns(), false, out);
  out += "\",\"level\":\"";
  out += level_name(record.level());
  out += "\",";
  append_key(options_.logger_key, false, out);
  detail::append_json_string(record.logger_name(), out);
  out += ",\"message\":";
  detail::append_json_string(record.message(), out);
  out += ",\"module\":";
  detail::append_json_string(record.module(), out);
  out += ",\"function\":";
  detail::append_json_string(record.function(), out);
  out += ",\"line\":";
  detail::append_decimal(record.line(), out);
  out += ",\"process\":";
  detail::append_decimal(record.process_id(), out);
  out += ",\"thread\":";
  detail::append_decimal(record.thread_id(), out);
  out += ",\"thread_name\":";
  detail::append_json_string(record.thread_name(), out);
  out += static_suffix_;
  const std::size_t count = record.field_count();
  for (std::size_t i = 0; i < count; ++i) {
    const FieldView& field = record.field(i);
    bool taken = is_standard_key(field.name, options_.logger_key);
    for (std::size_t s = 0; !taken && s < options_.static_fields.size(); ++s) {
      taken = field.name == options_.static_fields[s].first;
    }
    out += ',';
    append_key(field.name, taken, out);
    detail::append_json_value(field.value, out);
  }
  out += '}';
}

}  // namespace sluice
