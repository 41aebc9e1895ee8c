#pragma once
// Redaction: secrets are removed from records on the backend thread, before
// any sink (the binary log included) sees them. See docs/redaction.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/// What was found. The names (redaction_kind_name) appear in stats, in the
/// JSON "redacted" key and in sluice-redact's configuration.
enum class RedactionKind : std::uint8_t {
  field,            ///< a structured field whose key is sensitive (kv<"db_password">)
  argument,         ///< a message argument after a sensitive key in the format ("password={}")
  key_value,        ///< `key=value`, `key: value`, `"key": "value"` with a sensitive key in text
  card,             ///< a Luhn-valid payment card number (13-19 digits)
  ssn,              ///< a US social security number (123-45-6789)
  email,            ///< an e-mail address's local part (the domain is kept)
  jwt,              ///< a JSON Web Token (eyJ...)
  auth_credential,  ///< the credential after `Bearer` or `Basic`; a URL's password (`//u:pw@`)
  aws_key,          ///< an AWS access key id (AKIA...)
  private_key,      ///< the body of a PEM private-key block
  vendor_token,     ///< a token with a vendor's prefix: ghp_, sk_live_, xoxb-, glpat-, AIza
  pattern,          ///< a match of a user pattern (RedactionPolicy::patterns)
};
inline constexpr std::size_t redaction_kind_count = 12;

/// "field", "argument", "key_value", "card", ... (the enumerator's name).
std::string_view redaction_kind_name(RedactionKind kind) noexcept;
/// The kind named `name`, or false if there is none.
bool parse_redaction_kind(std::string_view name, RedactionKind& kind) noexcept;

/// How a secret is replaced.
enum class RedactionStyle : std::uint8_t {
  redacted,  ///< `[REDACTED]`
  mask,      ///< `***`; a card keeps its separators and last 4 digits (`**** **** **** 1111`)
  hmac,      ///< `hmac:` and 16 hex digits of HMAC-SHA256(hmac_key, value): same value, same text
};

/// The redaction configuration (Options::redaction). Plain data: copy it,
/// change it, pass it to start().
struct RedactionPolicy {
  /// Off: records reach the sinks untouched and nothing is scanned.
  bool enabled = true;
  /// Sensitive keys. A key is sensitive when its word parts (split at `_`,
  /// `-`, `.`, spaces and camelCase) end with one of these (whose own parts
  /// are split the same way), optionally followed by a qualifier such as
  /// `id`, `hash` or `value`: `db_password`, `X-Api-Key`, `sessionId`.
  /// Case-insensitive. Starts as default_keys(); add or erase entries.
  std::vector<std::string> keys = default_keys();
  /// Scan string arguments and string field values for the kinds above.
  bool scan_values = true;
  /// Integer arguments and fields of card length that pass Luhn are cards.
  bool scan_integers = true;
  /// Examine each call site's format string once for `password={}` & co.
  bool analyse_call_sites = true;
  /// Replacement per kind, indexed by RedactionKind. All `[REDACTED]` but
  /// e-mail, whose local part is masked (`***@example.com`).
  std::array<RedactionStyle, redaction_kind_count> styles = default_styles();
  /// Key of the hmac style (required by it; keep it out of source code).
  std::string hmac_key;
  /// Extra patterns in RE2 syntax (linear time, no backreferences). With a
  /// capture group, only the first group is replaced. Kind `pattern`.
  std::vector<std::string> patterns;
  /// Records that lost something get `"redacted":["card",...]` in JSON
  /// output.
  bool annotate = false;

  void set_style(RedactionKind kind, RedactionStyle style) {
    styles[static_cast<std::size_t>(kind)] = style;
  }
  RedactionStyle style(RedactionKind kind) const { return styles[static_cast<std::size_t>(kind)]; }

  static std::vector<std::string> default_keys();
  static constexpr std::array<RedactionStyle, redaction_kind_count> default_styles() {
    std::array<RedactionStyle, redaction_kind_count> styles{};
    styles.fill(RedactionStyle::redacted);
    styles[static_cast<std::size_t>(RedactionKind::email)] = RedactionStyle::mask;
    return styles;
  }
};

/// Redactions per kind, indexed by RedactionKind (part of sluice::Stats).
using RedactionCounts = std::array<std::uint64_t, redaction_kind_count>;

}  // namespace sluice
