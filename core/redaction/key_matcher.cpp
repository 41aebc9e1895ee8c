#include "key_matcher.hpp"

#include <algorithm>
#include <array>

namespace sluice::detail {

namespace {

constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(char c) noexcept { return is_upper(c) || is_lower(c) || is_digit(c); }
constexpr char to_lower(char c) noexcept { return is_upper(c) ? static_cast<char>(c + 32) : c; }

constexpr std::size_t kMaxParts = 16;

// Words after a secret's name that still name the secret (or something as
// sensitive): `password_hash`, `token_value`, `password_confirm`.
constexpr std::array<std::string_view, 20> kQualifiers{
    "value", "val",     "hash",      "hashed",  "str",          "string", "data",
    "text",  "plain",   "plaintext", "raw",     "b64",          "base64", "hex",
    "enc",   "encoded", "encrypted", "confirm", "confirmation", "header"};

bool is_qualifier(std::string_view part) noexcept {
  if (std::all_of(part.begin(), part.end(), is_digit)) return true;
  return std::find(kQualifiers.begin(), kQualifiers.end(), part) != kQualifiers.end();
}

std::string_view strip_trailing_digits(std::string_view part) noexcept {
  std::size_t n = part.size();
  while (n > 0 && is_digit(part[n - 1])) --n;
  return n == 0 ? part : part.substr(0, n);
}

}  // namespace

std::size_t split_key(std::string_view key, char* buffer, std::string_view* out,
                      std::size_t max) noexcept {
  std::size_t count = 0;
  std::size_t start = 0;  // of the current part in buffer
  std::size_t length = 0;
  const auto close = [&] {
    if (length > start && count < max)
      out[count++] = std::string_view(buffer + start, length - start);
    start = length;
  };
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (!is_alnum(c)) {
      close();
      continue;
    }
    if (i > 0 && is_upper(c)) {
      const char prev = key[i - 1];
      const bool next_lower = i + 1 < key.size() && is_lower(key[i + 1]);
      if (is_lower(prev) || is_digit(prev) || (is_upper(prev) && next_lower)) close();
    }
    buffer[length++] = to_lower(c);
  }
  close();
  return count;
}

KeyMatcher::KeyMatcher(const std::vector<std::string>& terms) {
  std::array<char, kMaxKeyLength> buffer{};
  std::array<std::string_view, kMaxParts> parts{};
  for (const std::string& text : terms) {
    if (text.size() > kMaxKeyLength) continue;
    const std::size_t n = split_key(text, buffer.data(), parts.data(), parts.size());
    if (n == 0) continue;
    Term term;
    for (std::size_t i = 0; i < n; ++i) {
      term.parts.emplace_back(parts[i]);
      term.joined += parts[i];
    }
    // Every suffix, so that a key split elsewhere than the term (`Api-Key`
    // for `apikey`) still passes the filter.
    for (std::size_t i = 0; i + 1 < term.joined.size() || i == 0; ++i) {
      last_words_.push_back(term.joined.substr(i));
    }
    terms_.push_back(std::move(term));
  }
  for (const Term& term : terms_) {
    if (term.joined.size() >= kMinSuffixTerm) long_terms_.push_back(term.joined);
  }
  std::sort(long_terms_.begin(), long_terms_.end());
  long_terms_.erase(std::unique(long_terms_.begin(), long_terms_.end()), long_terms_.end());
  std::sort(last_words_.begin(), last_words_.end());
  last_words_.erase(std::unique(last_words_.begin(), last_words_.end()), last_words_.end());
}

bool KeyMatcher::is_sensitive(std::string_view key) const noexcept {
  if (key.empty() || key.size() > kMaxKeyLength || terms_.empty()) return false;
  std::array<char, kMaxKeyLength> buffer;
  std::array<std::string_view, kMaxParts> parts;
  std::size_t n = split_key(key, buffer.data(), parts.data(), parts.size());
  // Each end: the whole key, then without one more trailing qualifier.
  for (;;) {
    if (n == 0) return false;
    const std::string_view last = strip_trailing_digits(parts[n - 1]);
    // A word that ends with a long term is that term: `csrftoken`,
    // `mytoken`, `dbpassword`. Short terms (`card`, `pin`) end too many
    // other words (`discard`, `spin`).
    if (last.size() > kMinSuffixTerm) {
      for (const std::string& joined : long_terms_) {
        if (last.size() > joined.size() && last.ends_with(joined)) return true;
      }
    }
    // Cheap filter: the last part must end some term's joined form.
    if (std::binary_search(last_words_.begin(), last_words_.end(), last)) {
      for (const Term& term : terms_) {
        // Part by part: parts[n - m .. n) == term.parts.
        const std::size_t m = term.parts.size();
        if (m <= n) {
          bool equal = true;
          for (std::size_t k = 0; k < m && equal; ++k) {
            std::string_view part = parts[n - m + k];
            if (k + 1 == m) part = last;
            equal = part == term.parts[k];
          }
          if (equal) return true;
        }
        // Joined up: the last few parts spell the term.
        std::size_t length = last.size();
        for (std::size_t j = n - 1; length <= term.joined.size(); --j) {
          if (length == term.joined.size()) {
            std::string_view rest = term.joined;
            bool equal = true;
            for (std::size_t k = j; k < n && equal; ++k) {
              const std::string_view part = k + 1 == n ? last : parts[k];
              equal = rest.starts_with(part);
              rest.remove_prefix(part.size());
            }
            if (equal) return true;
            break;
          }
          if (j == 0) break;
          length += parts[j - 1].size();
        }
      }
    }
    if (!is_qualifier(parts[n - 1])) return false;
    --n;
  }
}

}  // namespace sluice::detail
