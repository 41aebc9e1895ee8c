#include "record_filter.hpp"

#include <charconv>

#include "arg_decoding.hpp"

namespace sluice::detail::decode {

RecordFilter::RecordFilter(FilterOptions options) : options_(std::move(options)) {
  const FilterOptions& o = options_;
  empty_ = !o.min_level && o.logger.empty() && !o.since_ns && !o.until_ns && !o.thread &&
           o.fields.empty() && !o.grep;
  if (o.thread) {
    const std::string& t = *o.thread;
    const auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), thread_number_);
    thread_is_number_ = error == std::errc{} && end == t.data() + t.size();
  }
}

bool RecordFilter::logger_matches(std::string_view name) const noexcept {
  const std::string_view want = options_.logger;
  // "api" takes "api" and "api.x", not "apix".
  return name.starts_with(want) && (name.size() == want.size() || name[want.size()] == '.');
}

bool RecordFilter::thread_matches(const RecordView& record) const noexcept {
  if (thread_is_number_ && record.thread_id() == thread_number_) return true;
  return record.thread_name() == *options_.thread;
}

bool RecordFilter::fields_match(const RecordView& record) {
  const std::size_t count = record.field_count();
  for (const auto& [key, value] : options_.fields) {
    bool found = false;
    for (std::size_t i = 0; i < count && !found; ++i) {
      const FieldView& field = record.field(i);
      if (field.name != key) continue;
      if (field.value.is_text()) {
        found = field.value.text == value;
      } else {
        scratch_.clear();
        append_value(field.value, scratch_);
        found = scratch_ == value;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool RecordFilter::matches(const RecordView& record) {
  const FilterOptions& o = options_;
  if (o.min_level && record.level() < *o.min_level) return false;
  if (o.since_ns && record.timestamp_ns() < *o.since_ns) return false;
  if (o.until_ns && record.timestamp_ns() >= *o.until_ns) return false;
  if (!o.logger.empty() && !logger_matches(record.logger_name())) return false;
  if (o.thread && !thread_matches(record)) return false;
  if (!o.fields.empty() && !fields_match(record)) return false;
  if (o.grep) {
    ++messages_formatted_;
    if (record.message().find(*o.grep) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace sluice::detail::decode
