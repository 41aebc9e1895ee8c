#pragma once
// --format logfmt: one line of key=value pairs per record, with the JSON
// formatter's keys in its order, so that the two outputs carry the same data.

#include <sluice/formatter.hpp>

#include <string>

namespace sluice::detail::decode {

/// timestamp=... level=INFO logger_name=app.db message="..." module=pool
/// function=acquire line=42 process=4242 thread=777 thread_name=worker-1,
/// then the record's fields. Values are quoted as PatternFormatter's
/// {fields} quotes them (go-logfmt). A field whose key is a standard key is
/// written as _key, as JsonFormatter does; bytes of a key that logfmt cannot
/// carry or a terminal would act on (space, '=', '"', control bytes, C1
/// controls, invalid UTF-8) become '_', one per byte.
class LogfmtFormatter final : public Formatter {
 public:
  void format(const RecordView& record, std::string& out) const override;
  bool reads_raw_text() const noexcept override { return true; }  // quoted as logfmt
};

}  // namespace sluice::detail::decode
