#include "replacer.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "scan_chars.hpp"
#include "sluice/error.hpp"

namespace sluice::detail {

namespace {

constexpr std::string_view kRedacted = "[REDACTED]";
constexpr std::string_view kMask = "***";

// A card keeps its layout and last four digits: `**** **** **** 1111`, so
// that support can still tell two cards of one customer apart.
void append_card_mask(std::string_view card, std::string& out) {
  std::size_t digits = 0;
  for (const char c : card) digits += scan::digit(c) ? 1 : 0;
  std::size_t seen = 0;
  for (const char c : card) {
    if (!scan::digit(c)) {
      out += c;
      continue;
    }
    out += ++seen + 4 > digits ? c : '*';
  }
}

}  // namespace

void append_hmac(std::string_view key, std::string_view value, std::string& out) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // One-shot HMAC(): OpenSSL 3 keeps it (only HMAC_CTX is deprecated).
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(value.data()), value.size(), digest,
           &length) == nullptr) {
    out += kRedacted;  // never leak the value because hashing failed
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += "hmac:";
  for (unsigned int i = 0; i < 8 && i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
}

Replacer::Replacer(const std::array<RedactionStyle, redaction_kind_count>& styles,
                   std::string hmac_key)
    : styles_(styles), hmac_key_(std::move(hmac_key)) {
  for (std::size_t k = 0; k < styles_.size(); ++k) {
    if (styles_[k] == RedactionStyle::hmac && hmac_key_.empty()) {
      throw Error(std::string("redaction style hmac for ") +
                  std::string(redaction_kind_name(static_cast<RedactionKind>(k))) +
                  " needs RedactionPolicy::hmac_key");
    }
  }
}

void Replacer::append(std::string_view secret, RedactionKind kind, std::string& out) const {
  switch (styles_[static_cast<std::size_t>(kind)]) {
    case RedactionStyle::redacted:
      out += kRedacted;
      return;
    case RedactionStyle::mask:
      if (kind == RedactionKind::card) {
        append_card_mask(secret, out);
      } else {
        out += kMask;
      }
      return;
    case RedactionStyle::hmac:
      if (kind == RedactionKind::card) {
        // Hash the digits only: one card, one hash, however it was written.
        std::string digits;
        for (const char c : secret) {
          if (scan::digit(c)) digits += c;
        }
        append_hmac(hmac_key_, digits, out);
      } else {
        append_hmac(hmac_key_, secret, out);
      }
      return;
  }
  out += kRedacted;
}

}  // namespace sluice::detail
