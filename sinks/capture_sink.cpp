#include "sluice/sinks/capture_sink.hpp"

#include "arg_decoding.hpp"

namespace sluice {

CaptureSink::CaptureSink(std::shared_ptr<const Formatter> formatter)
    : FormattedSink(std::move(formatter)) {}

void CaptureSink::write(const RecordView& record) {
  CapturedRecord copy;
  copy.timestamp_ns = record.timestamp_ns();
  copy.level = record.level();
  copy.logger = record.logger_name();
  copy.message = record.message();
  copy.formatted = record.formatted(formatter());
  for (std::size_t i = 0; i < record.field_count(); ++i) {
    const FieldView& field = record.field(i);
    std::string value;
    detail::append_value(field.value, value);
    copy.fields.emplace_back(std::string(field.name), std::move(value));
  }
  copy.file = record.file();
  copy.line = record.line();
  copy.function = record.function();
  copy.thread_id = record.thread_id();
  copy.thread_name = record.thread_name();
  std::lock_guard lock(mutex_);
  records_.push_back(std::move(copy));
}

std::vector<CapturedRecord> CaptureSink::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

std::vector<std::string> CaptureSink::lines() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  out.reserve(records_.size());
  for (const auto& r : records_) out.push_back(r.formatted);
  return out;
}

std::size_t CaptureSink::size() const {
  std::lock_guard lock(mutex_);
  return records_.size();
}

void CaptureSink::clear() {
  std::lock_guard lock(mutex_);
  records_.clear();
}

}  // namespace sluice
