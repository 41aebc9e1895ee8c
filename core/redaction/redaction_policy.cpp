// The public side of redaction.hpp: kind names and the default key list.

#include <array>

#include "sluice/redaction.hpp"

namespace sluice {

namespace {
constexpr std::array<std::string_view, redaction_kind_count> kKindNames{
    "field", "argument",        "key_value", "card",        "ssn",          "email",
    "jwt",   "auth_credential", "aws_key",   "private_key", "vendor_token", "pattern"};
}  // namespace

std::string_view redaction_kind_name(RedactionKind kind) noexcept {
  const auto index = static_cast<std::size_t>(kind);
  return index < kKindNames.size() ? kKindNames[index] : std::string_view("unknown");
}

bool parse_redaction_kind(std::string_view name, RedactionKind& kind) noexcept {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) {
      kind = static_cast<RedactionKind>(i);
      return true;
    }
  }
  return false;
}

std::vector<std::string> RedactionPolicy::default_keys() {
  // Word parts are matched, so `token` covers `access_token`; the compound
  // entries are there to be removable one by one and to catch their
  // joined-up spellings (`accesstoken`, `APIKEY`).
  return {"password",      "passwd",        "pwd",           "passphrase",  "secret",
          "token",         "access_token",  "refresh_token", "id_token",    "auth_token",
          "api_key",       "apikey",        "access_key",    "secret_key",  "private_key",
          "client_secret", "authorization", "cookie",        "set_cookie",  "session",
          "session_id",    "ssn",           "card",          "card_number", "cvv",
          "cvc",           "pin",           "otp",           "credential",  "credentials"};
}

}  // namespace sluice
