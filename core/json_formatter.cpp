// STUB
#include "sluice/formatter.hpp"
#include "sluice/record.hpp"
namespace sluice {
JsonFormatter::JsonFormatter(JsonOptions o) : options_(std::move(o)) {}
void JsonFormatter::format(const RecordView& r, std::string& out) const { out += r.message(); }
}
