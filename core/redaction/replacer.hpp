#pragma once
// Writes what replaces a secret, per kind and style.

#include <string>
#include <string_view>

#include "sluice/redaction.hpp"

namespace sluice::detail {

class Replacer {
 public:
  /// Throws sluice::Error if a kind uses the hmac style without a key.
  Replacer(const std::array<RedactionStyle, redaction_kind_count>& styles, std::string hmac_key);

  /// Appends the replacement of `secret`, found as `kind`, to `out`.
  void append(std::string_view secret, RedactionKind kind, std::string& out) const;

 private:
  std::array<RedactionStyle, redaction_kind_count> styles_;
  std::string hmac_key_;
};

/// `hmac:` and the first 16 hex digits of HMAC-SHA256(key, value).
void append_hmac(std::string_view key, std::string_view value, std::string& out);

}  // namespace sluice::detail
