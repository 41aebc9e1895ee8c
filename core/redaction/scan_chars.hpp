#pragma once
// Byte classes shared by the finders. ASCII only: bytes of multi-byte UTF-8
// characters (>= 0x80) are in no class, so a match never splits one.

#include <cstddef>
#include <string_view>

namespace sluice::detail::scan {

constexpr bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool alpha(char c) noexcept { return upper(c) || lower(c); }
constexpr bool alnum(char c) noexcept { return alpha(c) || digit(c); }
constexpr bool word(char c) noexcept { return alnum(c) || c == '_'; }
constexpr bool non_ascii(char c) noexcept { return static_cast<unsigned char>(c) >= 0x80; }
constexpr bool space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
/// JWT segments: base64url.
constexpr bool base64url(char c) noexcept { return alnum(c) || c == '-' || c == '_'; }
/// RFC 7235 token68, what follows `Bearer `.
constexpr bool token68(char c) noexcept {
  return alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}
constexpr char to_lower(char c) noexcept { return upper(c) ? static_cast<char>(c + 32) : c; }

/// Case-insensitive: does `text` hold `word` (lower case) at `at`?
constexpr bool has_word_at(std::string_view text, std::size_t at, std::string_view word) noexcept {
  if (at > text.size() || text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (to_lower(text[at + i]) != word[i]) return false;
  }
  return true;
}

/// Looks like a credential rather than a word: long, or mixing classes.
/// "Bearer authentication" is prose; "Bearer 5g668pRrAyl" is not.
constexpr bool looks_like_secret(std::string_view s) noexcept {
  if (s.size() < 8) return false;
  if (s.size() >= 20) return true;
  bool has_upper = false, has_lower = false, has_digit = false, has_other = false;
  for (const char c : s) {
    has_upper |= upper(c);
    has_lower |= lower(c);
    has_digit |= digit(c);
    has_other |= !alnum(c);
  }
  return (has_digit && (has_upper || has_lower)) || (has_upper && has_lower) || has_other;
}

}  // namespace sluice::detail::scan
