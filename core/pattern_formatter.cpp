// STUB: replaced by the formatters work.
#include "sluice/formatter.hpp"
#include "sluice/record.hpp"
#include "sluice/sink.hpp"
#include <fmt/format.h>
namespace sluice {
struct PatternFormatter::Token {};
PatternFormatter::PatternFormatter(std::string_view, TimeZone zone) : zone_(zone) {}
PatternFormatter::~PatternFormatter() = default;
void PatternFormatter::format(const RecordView& r, std::string& out) const {
  out += level_name(r.level()); out += ' '; out += r.logger_name(); out += ": "; out += r.message();
}
std::shared_ptr<const Formatter> FormattedSink::default_formatter() {
  static const auto f = std::make_shared<const PatternFormatter>();
  return f;
}
}
