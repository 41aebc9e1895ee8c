// JsonFormatter: one object per record, keys in a fixed order. The rendering
// of strings and values lives in text_util so that the decoder's JSON output
// is the same code.

#include <array>
#include <string>
#include <string_view>

#include "arg_decoding.hpp"
#include "json_fragments.hpp"
#include "sluice/error.hpp"
#include "sluice/formatter.hpp"
#include "sluice/record.hpp"
#include "sluice/redaction.hpp"
#include "text_util.hpp"

namespace sluice {

namespace {

// The standard keys except the logger's, whose name is configurable.
// "redacted" is the annotation of a redacted record (RedactionPolicy::annotate):
// reserved always, so that a field keeps one key whether or not its record was
// redacted, and in decoded output, which has no annotation.
constexpr std::array<std::string_view, 10> kStandardKeys{
    "timestamp", "level",   "message", "module",      "function",
    "line",      "process", "thread",  "thread_name", "redacted"};

bool is_standard_key(std::string_view key, std::string_view logger_key) noexcept {
  if (key == logger_key) return true;
  for (const std::string_view standard : kStandardKeys) {
    if (key == standard) return true;
  }
  return false;
}

// `"key":`, or `"_key":` when the key is taken.
void append_key(std::string_view key, bool taken, detail::TextBuffer& out) {
  out.append('"');
  if (taken) out.append('_');
  detail::append_json_escaped(key, out);
  out.append("\":");
}

}  // namespace

JsonFormatter::JsonFormatter(JsonOptions options) : options_(std::move(options)) {
  const std::string_view logger_key = options_.logger_key;
  if (logger_key.empty() || is_standard_key(logger_key, {})) {
    throw Error("invalid JsonOptions::logger_key \"" + options_.logger_key +
                "\": it must be non-empty and differ from the other standard keys");
  }
  detail::TextBuffer key_text(logger_key_);
  append_key(logger_key, false, key_text);
  key_text.flush();
  detail::TextBuffer out(static_suffix_);
  for (const auto& [key, value] : options_.static_fields) {
    out.append(',');
    append_key(key, is_standard_key(key, logger_key), out);
    detail::append_json_string(value, out);
  }
  out.flush();
}

void JsonFormatter::format(const RecordView& record, std::string& text) const {
  // What is constant per call site, logger and thread comes pre-rendered
  // (json_fragments.hpp): escaping it again for every record cost more than
  // the rest of the object.
  detail::JsonFragments& fragments = detail::json_fragments();
  detail::TextBuffer out(text);
  out.append("{\"timestamp\":\"");
  detail::append_iso8601(record.timestamp_ns(), false, out);
  out.append("\",\"level\":\"");
  out.append(level_name(record.level()));
  out.append("\",");
  out.append(logger_key_);
  out.append(fragments.logger(record.logger_name()));
  out.append(",\"message\":\"");
  // A message formatted at run time (decoded records) is escaped piece by
  // piece: its literal text once per format, numbers not at all.
  const detail::CallSite& site = record.call_site();
  if (site.format_message != nullptr ||
      !detail::message_formatter().format_encoded_json(site.format, {site.args, site.arg_count},
                                                       record.encoded_args(), out)) {
    detail::append_json_escaped(record.message(), out);
  }
  out.append('"');
  out.append(fragments.site(site));
  out.append(fragments.thread(record.process_id(), record.thread_id(), record.thread_name()));
  out.append(static_suffix_);
  const std::size_t count = record.field_count();
  for (std::size_t i = 0; i < count; ++i) {
    const FieldView& field = record.field(i);
    bool taken = is_standard_key(field.name, options_.logger_key);
    for (std::size_t s = 0; !taken && s < options_.static_fields.size(); ++s) {
      taken = field.name == options_.static_fields[s].first;
    }
    out.append(',');
    append_key(field.name, taken, out);
    detail::append_json_value(field.value, out);
  }
  if (const std::uint32_t redacted = record.redacted_kinds(); redacted != 0) {
    // RedactionPolicy::annotate: which kinds were removed.
    out.append(",\"redacted\":[");
    bool first = true;
    for (std::size_t k = 0; k < redaction_kind_count; ++k) {
      if ((redacted >> k & 1u) == 0) continue;
      if (!first) out.append(',');
      first = false;
      out.append('"');
      out.append(redaction_kind_name(static_cast<RedactionKind>(k)));
      out.append('"');
    }
    out.append(']');
  }
  out.append('}');
  out.flush();
}

}  // namespace sluice
