#pragma once
// Redacts text one line at a time, as sluice-redact does.

#include <string>
#include <string_view>

#include "redaction/redactor.hpp"

namespace sluice::redact_tool {

/// Feeds lines through a Redactor. The only state across lines is a PEM
/// private key split over several lines: from its BEGIN line to its END
/// line, whole lines are key material and go.
class LineRedactor {
 public:
  explicit LineRedactor(const detail::Redactor& redactor) : redactor_(&redactor) {}

  /// The redacted form of `line` (without its newline). The view is valid
  /// until the next call.
  std::string_view redact(std::string_view line);

  /// The end of one input: a block cut off there ends there, or a key
  /// file's truncated block would swallow every file after it.
  void end_input() noexcept { in_private_key_ = false; }

  const RedactionCounts& counts() const noexcept { return counts_; }

 private:
  const detail::Redactor* redactor_;
  bool in_private_key_ = false;
  std::string out_, rest_;
  RedactionCounts counts_{};
};

}  // namespace sluice::redact_tool
