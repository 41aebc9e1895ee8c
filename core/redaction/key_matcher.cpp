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
// What joins the parts of a key in text (`db_password`, `X-Api-Key`,
// `auth.token`, `ns:password`).
constexpr bool is_key_separator(char c) noexcept {
  return c == '_' || c == '-' || c == '.' || c == ':';
}

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

// A key longer than kMaxKeyLength is judged by its end, where a secret's
// name is (`<long path>.db.password`): its last kMaxKeyLength bytes, from
// the first part boundary in them (what is left of a part cut there is not
// that part: `xcard` cut to `card` is not `card`). Empty if there is none.
std::string_view judged_end(std::string_view key) noexcept {
  constexpr std::size_t kMax = KeyMatcher::kMaxKeyLength;
  if (key.size() <= kMax) return key;
  const std::string_view tail = key.substr(key.size() - kMax);
  if (!is_alnum(key[key.size() - kMax - 1])) return tail;
  for (std::size_t i = 0; i < tail.size(); ++i) {
    if (!is_alnum(tail[i])) return tail.substr(i + 1);
    if (i > 0 && is_upper(tail[i]) && (is_lower(tail[i - 1]) || is_digit(tail[i - 1]))) {
      return tail.substr(i);
    }
  }
  return {};
}

}  // namespace

std::size_t split_key(std::string_view key, char* buffer, std::string_view* out,
                      std::size_t max) noexcept {
  std::size_t count = 0;
  std::size_t start = 0;  // of the current part in buffer
  std::size_t length = 0;
  const auto close = [&] {
    if (length > start && max > 0) {
      // Full: the first part goes. A secret's name ends a key
      // (`a.b...p.password`), so its last parts are the ones to keep.
      if (count == max) {
        std::copy(out + 1, out + max, out);
        --count;
      }
      out[count++] = std::string_view(buffer + start, length - start);
    }
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
  // Every suffix of every joined term: what the last part of a sensitive
  // key can be, `key` of `Api-Key` for `apikey` included.
  std::vector<std::string> last_words;
  for (const std::string& text : terms) {
    if (text.size() > kMaxKeyLength) continue;
    const std::size_t n = split_key(text, buffer.data(), parts.data(), parts.size());
    if (n == 0) continue;
    Term term;
    for (std::size_t i = 0; i < n; ++i) {
      term.parts.emplace_back(parts[i]);
      term.joined += parts[i];
    }
    for (std::size_t i = 0; i + 1 < term.joined.size() || i == 0; ++i) {
      last_words.push_back(term.joined.substr(i));
    }
    terms_.push_back(std::move(term));
  }
  for (const Term& term : terms_) {
    if (term.joined.size() >= kMinSuffixTerm) long_terms_.push_back(term.joined);
  }
  std::sort(long_terms_.begin(), long_terms_.end());
  long_terms_.erase(std::unique(long_terms_.begin(), long_terms_.end()), long_terms_.end());
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    by_last_part_.emplace_back(terms_[t].parts.back(), t);
    joined_terms_.push_back(terms_[t].joined);
  }
  std::sort(by_last_part_.begin(), by_last_part_.end());
  std::sort(joined_terms_.begin(), joined_terms_.end());
  for (const std::string& word : last_words) words_[word_hash(word)] = true;
  for (const std::string_view word : kQualifiers) words_[word_hash(word)] = true;
  // maybe_sensitive's first test: the last three letters of anything that
  // may pass the two filters above (a long term ends a longer word too).
  const auto mark_last3 = [this](std::string_view word) {
    if (word.size() >= 3) last3_[tail_index(word)] = true;
  };
  for (const std::string& word : last_words) mark_last3(word);
  for (const std::string_view word : kQualifiers) {
    mark_last3(word);
    // surely_not_sensitive_number looks past trailing digits (`base` of
    // `password_base64`).
    mark_last3(strip_trailing_digits(word));
  }
  for (const std::string& term : long_terms_) tails_[tail_index(term)] = true;
  for (const std::string& term : joined_terms_) exact_[word_hash(term)] = true;
  for (const auto& [part, term] : by_last_part_) last_parts_[word_hash(part)] = true;
  for (const std::string& term : joined_terms_) {
    if (term.size() == 2 && is_lower(term[0]) && is_lower(term[1])) {
      two_letter_terms_[static_cast<std::size_t>(term[0] - 'a') * 26 +
                        static_cast<std::size_t>(term[1] - 'a')] = true;
    }
  }
}

namespace {
// Alphanumeric bytes lower-cased; 0 for every other byte.
constexpr std::array<char, 256> make_lower() {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    if (is_alnum(ch)) t[static_cast<std::size_t>(c)] = to_lower(ch);
  }
  return t;
}
constexpr std::array<char, 256> kLower = make_lower();

// 0 for anything but a lower-case letter or digit, else 1..36.
constexpr std::size_t letter_index(char c) noexcept {
  if (c >= 'a' && c <= 'z') return static_cast<std::size_t>(c - 'a') + 1;
  if (c >= '0' && c <= '9') return static_cast<std::size_t>(c - '0') + 27;
  return 0;
}
}  // namespace

std::size_t KeyMatcher::word_hash(std::string_view lower_word) noexcept {
  // Over the bytes from last to first, as maybe_sensitive meets them.
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (std::size_t i = lower_word.size(); i-- > 0;) {
    h = (h ^ static_cast<unsigned char>(lower_word[i])) * 16777619u;
  }
  return (h ^ (h >> 16)) & (kWordBits - 1);
}

std::size_t KeyMatcher::tail_index(std::string_view word) noexcept {
  const std::size_t n = word.size();
  return (letter_index(word[n - 3]) * 37 + letter_index(word[n - 2])) * 37 +
         letter_index(word[n - 1]);
}

bool KeyMatcher::maybe_sensitive(std::string_view before) const noexcept {
  // Between a key and what follows it: a closing quote, an escape, blanks.
  std::size_t end = skip_gap(before);
  // The last part, walked backwards with split_key's rules, lower-cased and
  // hashed on the way (word_hash's order): no copy, no split. All-digit
  // parts are qualifiers (`password_2`): the part before them counts.
  std::size_t stripped;
  for (;;) {
    stripped = end;
    while (stripped > 0 && is_digit(before[stripped - 1])) --stripped;
    if (stripped > 0 && is_alnum(before[stripped - 1])) break;
    if (stripped == end || stripped < 2 || !is_key_separator(before[stripped - 1]) ||
        !is_alnum(before[stripped - 2])) {
      return false;  // no letters (`10:30`), or nothing that is a key
    }
    end = stripped - 1;
  }
  // Cheapest test first: the last three letters, when they all belong to
  // the last part (no part boundary among them), must end some string a
  // sensitive key's last part can be. `page`, `limit`, `status` stop here.
  if (stripped >= 3) {
    const char c1 = before[stripped - 3], c2 = before[stripped - 2], c3 = before[stripped - 1];
    const std::size_t l1 = letter_index(kLower[static_cast<unsigned char>(c1)]);
    const std::size_t l2 = letter_index(kLower[static_cast<unsigned char>(c2)]);
    const std::size_t l3 = letter_index(kLower[static_cast<unsigned char>(c3)]);
    const bool boundary = (is_upper(c3) && !is_upper(c2)) || (is_upper(c2) && !is_upper(c1)) ||
                          (is_upper(c2) && is_upper(c1) && is_lower(c3));
    if (l1 != 0 && l2 != 0 && l3 != 0 && !boundary && !last3_[(l1 * 37 + l2) * 37 + l3]) {
      return false;
    }
  }
  // The alphanumeric run ending at `stripped`, then, only if it has a
  // capital, where its last camelCase part starts.
  std::size_t i = stripped;
  bool has_upper = false;
  while (i > 0 && stripped - i < kMaxKeyLength &&
         kLower[static_cast<unsigned char>(before[i - 1])]) {
    has_upper |= is_upper(before[i - 1]);
    --i;
  }
  if (i > 0 && kLower[static_cast<unsigned char>(before[i - 1])]) return false;  // too long
  if (has_upper) {
    // split_key's rule, from the right: a part starts at a capital after a
    // lower-case letter or digit, or at the last capital of a run of them
    // followed by a lower-case letter (`APIKey`).
    for (std::size_t k = stripped - 1; k > i; --k) {
      const char here = before[k], prev = before[k - 1];
      if (is_upper(here) && (is_lower(prev) || is_digit(prev) ||
                             (is_upper(prev) && k + 1 < stripped && is_lower(before[k + 1])))) {
        i = k;
        break;
      }
    }
  }
  // A qualifier with digits (`b64`, `base64`) is in words_ as written: the
  // part with its digits, which the stripped test below does not see.
  if (stripped != end) {
    std::uint32_t whole = 2166136261u;
    for (std::size_t k = end; k-- > i;) {
      whole = (whole ^ static_cast<unsigned char>(kLower[static_cast<unsigned char>(before[k])])) *
              16777619u;
    }
    if (words_[(whole ^ (whole >> 16)) & (kWordBits - 1)]) return true;
  }
  std::uint32_t h = 2166136261u;
  for (std::size_t k = stripped; k-- > i;) {
    h = (h ^ static_cast<unsigned char>(kLower[static_cast<unsigned char>(before[k])])) * 16777619u;
  }
  std::size_t length = stripped - i;
  std::array<std::size_t, 3> tail{};  // letter indices of the last three
  for (std::size_t k = 0; k < 3 && k < length; ++k) {
    tail[k] = letter_index(kLower[static_cast<unsigned char>(before[stripped - 1 - k])]);
  }
  const std::size_t last_length = length;
  if (length <= 2) {
    // `id` of `request_id` ends `session_id` too: judge `requestid`, this
    // part and the previous one joined, against the joined terms' suffixes.
    if (i > 0 && is_key_separator(before[i - 1])) --i;
    for (std::size_t taken = 0; i > 0 && is_alnum(before[i - 1]) && taken < kMaxKeyLength;
         ++taken) {
      h = (h ^ static_cast<unsigned char>(to_lower(before[i - 1]))) * 16777619u;
      ++length;
      --i;
      if (i > 0 && is_upper(before[i]) && is_lower(before[i - 1])) break;
    }
  }
  if (words_[(h ^ (h >> 16)) & (kWordBits - 1)]) return true;
  return last_length > kMinSuffixTerm && tails_[(tail[2] * 37 + tail[1]) * 37 + tail[0]];
}

bool KeyMatcher::is_sensitive(std::string_view key) const noexcept {
  key = judged_end(key);
  if (key.empty() || terms_.empty()) return false;
  return maybe_sensitive(key) && is_sensitive_filtered(key);
}

bool KeyMatcher::is_sensitive_filtered(std::string_view key) const noexcept {
  key = judged_end(key);
  if (key.empty() || terms_.empty()) return false;
  {
    // The common sensitive keys spell a term exactly, once case and
    // separators are gone (`password`, `API_KEY`, `Authorization`): one hash
    // probe instead of the part-by-part search below.
    std::array<char, kMaxKeyLength> joined;
    std::size_t length = 0;
    for (const char c : key) {
      const char lower = kLower[static_cast<unsigned char>(c)];
      if (lower != 0) joined[length++] = lower;
    }
    const std::string_view word(joined.data(), length);
    const std::size_t slot = word_hash(word);
    if (exact_[slot] && std::binary_search(joined_terms_.begin(), joined_terms_.end(), word)) {
      return true;
    }
  }
  std::array<char, kMaxKeyLength> buffer;
  std::array<std::string_view, kMaxParts> parts;
  std::size_t n = split_key(key, buffer.data(), parts.data(), parts.size());
  // Each end: the whole key, then without one more trailing qualifier.
  for (; n > 0; --n) {
    const std::string_view last = strip_trailing_digits(parts[n - 1]);
    // A word that ends with a long term is that term: `csrftoken`,
    // `mytoken`, `dbpassword`. Short terms (`card`, `pin`) end too many
    // other words (`discard`, `spin`).
    if (last.size() > kMinSuffixTerm && tails_[tail_index(last)]) {
      for (const std::string& joined : long_terms_) {
        if (last.size() > joined.size() && last.ends_with(joined)) return true;
      }
    }
    // Part by part: the terms whose last part this is, and their others
    // (none, nearly always: a hashed bit says so without a search).
    const auto [first, stop] =
        !last_parts_[word_hash(last)]
            ? std::pair{by_last_part_.end(), by_last_part_.end()}
            : std::equal_range(by_last_part_.begin(), by_last_part_.end(),
                               std::pair<std::string_view, std::size_t>{last, 0},
                               [](const auto& a, const auto& b) {
                                 return std::string_view(a.first) < std::string_view(b.first);
                               });
    for (auto it = first; it != stop; ++it) {
      const Term& term = terms_[it->second];
      const std::size_t m = term.parts.size();
      if (m > n) continue;
      bool equal = true;
      for (std::size_t k = 0; k + 1 < m && equal; ++k) equal = parts[n - m + k] == term.parts[k];
      if (equal) return true;
    }
    // Joined up: the last few parts spell a term (`Api-Key` for `apikey`).
    std::array<char, kMaxKeyLength> joined;
    std::size_t length = 0;
    for (std::size_t j = n; j-- > 0 && n - j <= 4;) {
      const std::string_view part = j + 1 == n ? last : parts[j];
      if (length + part.size() > joined.size()) break;
      // Prepend: move what is there right by part.size().
      std::copy_backward(joined.begin(), joined.begin() + static_cast<std::ptrdiff_t>(length),
                         joined.begin() + static_cast<std::ptrdiff_t>(length + part.size()));
      std::copy(part.begin(), part.end(), joined.begin());
      length += part.size();
      const std::string_view word(joined.data(), length);
      if (exact_[word_hash(word)] &&
          std::binary_search(joined_terms_.begin(), joined_terms_.end(), word)) {
        return true;
      }
    }
    if (!is_qualifier(parts[n - 1])) return false;
  }
  return false;
}

}  // namespace sluice::detail
