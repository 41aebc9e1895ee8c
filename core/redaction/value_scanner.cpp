#include "value_scanner.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "finders.hpp"

namespace sluice::detail {

namespace {

enum Trigger : std::uint8_t {
  kNone = 0,
  kDigit,
  kAt,
  kSeparator,   // '=' or ':'
  kJwt,         // 'J', the end of "eyJ"
  kAws,         // 'A'
  kScheme,      // 'B' or 'b'
  kDash,        // '-'
  kUnderscore,  // '_' of a vendor prefix (ghp_, sk_live_)
  kTagEnd,      // '>' of an XML start tag
};

constexpr std::array<std::uint8_t, 256> make_triggers() {
  std::array<std::uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  t['@'] = kAt;
  t['='] = kSeparator;
  t[':'] = kSeparator;
  t['J'] = kJwt;
  t['A'] = kAws;
  t['B'] = kScheme;
  t['b'] = kScheme;
  t['-'] = kDash;
  t['_'] = kUnderscore;
  t['>'] = kTagEnd;
  return t;
}
constexpr std::array<std::uint8_t, 256> kTriggers = make_triggers();

int specificity(RedactionKind kind) noexcept { return kind == RedactionKind::key_value ? 0 : 1; }

}  // namespace

void merge_matches(std::vector<Match>& matches, std::size_t first) {
  if (matches.size() - first < 2) return;
  const auto begin = matches.begin() + static_cast<std::ptrdiff_t>(first);
  std::sort(begin, matches.end(), [](const Match& a, const Match& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::size_t kept = first;
  std::uint32_t kept_length = matches[first].end - matches[first].begin;
  for (std::size_t i = first + 1; i < matches.size(); ++i) {
    Match& last = matches[kept];
    const Match& m = matches[i];
    if (m.begin < last.end) {
      const std::uint32_t length = m.end - m.begin;
      if (length > kept_length ||
          (length == kept_length && specificity(m.kind) > specificity(last.kind))) {
        last.kind = m.kind;
        kept_length = length;
      }
      last.end = std::max(last.end, m.end);
    } else {
      matches[++kept] = m;
      kept_length = m.end - m.begin;
    }
  }
  matches.resize(kept + 1);
}

namespace {

#if defined(__SSE2__)
// Where the next byte that may be a trigger is, 16 bytes at a time: bytes
// 0x30-0x42 (digits : ; < = > ? @ A B), 'J', 'b', '-' and '_'. A superset
// of the table's triggers; the table decides. Clean prose skips whole blocks.
std::size_t skip_clean(const unsigned char* bytes, std::size_t i, std::size_t n) noexcept {
  const __m128i low = _mm_set1_epi8(0x30);
  const __m128i span = _mm_set1_epi8(0x42 - 0x30);
  const __m128i j = _mm_set1_epi8('J'), b = _mm_set1_epi8('b'), dash = _mm_set1_epi8('-'),
                under = _mm_set1_epi8('_');
  while (i + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
    const __m128i offset = _mm_sub_epi8(v, low);
    const __m128i in_range = _mm_cmpeq_epi8(_mm_min_epu8(offset, span), offset);
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(in_range, _mm_cmpeq_epi8(v, j)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, b),
                                  _mm_or_si128(_mm_cmpeq_epi8(v, dash), _mm_cmpeq_epi8(v, under))));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (mask != 0) {
      i += static_cast<std::size_t>(__builtin_ctz(mask));
      // The superset's extra bytes (; < ? and the like) are skipped here.
      if (kTriggers[bytes[i]] != kNone) return i;
      ++i;
      continue;
    }
    i += 16;
  }
  while (i < n && kTriggers[bytes[i]] == kNone) ++i;
  return i;
}
#else
std::size_t skip_clean(const unsigned char* bytes, std::size_t i, std::size_t n) noexcept {
  while (i < n && kTriggers[bytes[i]] == kNone) ++i;
  return i;
}
#endif

constexpr bool is_digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

void ValueScanner::scan(std::string_view text, std::vector<Match>& out) const {
  if (text.size() >= std::numeric_limits<std::uint32_t>::max()) return;
  const std::size_t first = out.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // The hot loop: clean text is mostly letters and spaces.
    i = skip_clean(bytes, i, n);
    if (i >= n) break;
    // Each case rules out the common non-match inline before calling its
    // finder: triggers are frequent in logs, matches are not.
    switch (kTriggers[bytes[i]]) {
      case kDigit: {
        // A chain of fewer than 9 digits (`200`, `12.5`, `2026-01-21`)
        // holds neither an SSN nor a card.
        std::size_t j = i, digits = 0;
        for (;;) {
          while (j < n && is_digit(bytes[j])) {
            ++j;
            ++digits;
          }
          if (j + 1 >= n || (bytes[j] != ' ' && bytes[j] != '-') || !is_digit(bytes[j + 1])) break;
          ++j;
        }
        i = digits < 9 ? j : find_numbers(text, i, out);
        break;
      }
      case kAt:
        i = find_email(text, i, out);
        break;
      case kSeparator:
        i = find_key_value(text, i, *keys_, out);
        break;
      case kJwt:
        i = i >= 2 && bytes[i - 1] == 'y' ? find_jwt(text, i, out) : i + 1;
        break;
      case kAws:
        // AKIA, ASIA, ... all end in 'A'; Google's AIza in 'a'.
        i = i + 3 < n && (bytes[i + 3] | 0x20) == 'a' ? find_aws_key(text, i, out) : i + 1;
        break;
      case kScheme:
        i = i + 1 < n && ((bytes[i + 1] | 0x20) == 'e' || (bytes[i + 1] | 0x20) == 'a')
                ? find_auth_credential(text, i, out)
                : i + 1;
        break;
      case kDash:
        i = find_private_key(text, i, out);
        break;
      case kUnderscore:
        i = find_vendor_token(text, i, out);
        break;
      case kTagEnd:
        i = find_xml_value(text, i, *keys_, out);
        break;
      default:
        ++i;
    }
  }
  merge_matches(out, first);
}

}  // namespace sluice::detail
