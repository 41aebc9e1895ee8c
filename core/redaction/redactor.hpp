#pragma once
// A RedactionPolicy made ready to use: the key matcher, the built-in
// scanner, the user patterns and the replacements.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "key_matcher.hpp"
#include "pattern_set.hpp"
#include "replacer.hpp"
#include "sluice/redaction.hpp"
#include "value_scanner.hpp"

namespace sluice::detail {

/// Bit `1 << kind` for every RedactionKind found.
using KindMask = std::uint32_t;
constexpr KindMask kind_bit(RedactionKind kind) noexcept {
  return KindMask{1} << static_cast<unsigned>(kind);
}

/// Immutable once built; redact_text() and replace() may run on any number
/// of threads at once (each uses its own scratch space).
class Redactor {
 public:
  /// Throws sluice::Error for an invalid pattern or an hmac style without key.
  explicit Redactor(RedactionPolicy policy);
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  const RedactionPolicy& policy() const noexcept { return policy_; }
  const KeyMatcher& keys() const noexcept { return keys_; }

  /// Scans `text` (built-in finders if policy().scan_values, then the user
  /// patterns). If anything is found, replaces `out`'s content with the
  /// redacted text, adds to `counts` (if given) and returns the kinds found;
  /// otherwise returns 0 and leaves `out` alone.
  KindMask redact_text(std::string_view text, std::string& out,
                       RedactionCounts* counts = nullptr) const;
  /// Appends the replacement of a whole value known to be secret (a field
  /// with a sensitive key, a sensitive argument) to `out`.
  void replace(std::string_view value, RedactionKind kind, std::string& out) const {
    replacer_.append(value, kind, out);
  }
  /// Appends `matches` (merged, in order, within `text`) applied to `text`.
  void apply(std::string_view text, const std::vector<Match>& matches, std::string& out) const;

 private:
  RedactionPolicy policy_;
  KeyMatcher keys_;
  ValueScanner scanner_;
  PatternSet patterns_;
  Replacer replacer_;
};

}  // namespace sluice::detail
