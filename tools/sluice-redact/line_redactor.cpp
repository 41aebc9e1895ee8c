#include "line_redactor.hpp"

namespace sluice::redact_tool {

namespace {
constexpr std::string_view kEnd = "-----END ";
// Does `line` open a private-key block that it does not close?
bool opens_private_key(std::string_view line) {
  const std::size_t begin = line.rfind("-----BEGIN ");
  if (begin == std::string_view::npos) return false;
  const std::size_t label_end = line.find("-----", begin + 11);
  if (label_end == std::string_view::npos) return false;
  const std::string_view label = line.substr(begin + 11, label_end - begin - 11);
  return label.ends_with("PRIVATE KEY") && line.find(kEnd, label_end) == std::string_view::npos;
}
}  // namespace

std::string_view LineRedactor::redact(std::string_view line) {
  const auto& kinds_count = [&](RedactionKind kind) -> std::uint64_t& {
    return counts_[static_cast<std::size_t>(kind)];
  };
  if (in_private_key_) {
    const std::size_t end = line.find(kEnd);
    out_.clear();
    if (end == std::string_view::npos) {
      // A line of key material, all of it.
      if (!line.empty()) {
        redactor_->replace(line, RedactionKind::private_key, out_);
        ++kinds_count(RedactionKind::private_key);
      }
      return out_;
    }
    in_private_key_ = false;
    if (end > 0) {
      redactor_->replace(line.substr(0, end), RedactionKind::private_key, out_);
      ++kinds_count(RedactionKind::private_key);
    }
    const std::string_view tail = line.substr(end);
    if (redactor_->redact_text(tail, rest_, &counts_) != 0) {
      out_ += rest_;
    } else {
      out_ += tail;
    }
    return out_;
  }
  in_private_key_ = opens_private_key(line);
  if (redactor_->redact_text(line, out_, &counts_) != 0) return out_;
  return line;
}

}  // namespace sluice::redact_tool
