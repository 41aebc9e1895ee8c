#include "value_scanner.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

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

void ValueScanner::scan(std::string_view text, std::vector<Match>& out) const {
  if (text.size() >= std::numeric_limits<std::uint32_t>::max()) return;
  const std::size_t first = out.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // The hot loop: clean text is mostly letters and spaces.
    while (i < n && kTriggers[bytes[i]] == kNone) ++i;
    if (i >= n) break;
    switch (kTriggers[bytes[i]]) {
      case kDigit:
        i = find_numbers(text, i, out);
        break;
      case kAt:
        i = find_email(text, i, out);
        break;
      case kSeparator:
        i = find_key_value(text, i, *keys_, out);
        break;
      case kJwt:
        i = find_jwt(text, i, out);
        break;
      case kAws:
        i = find_aws_key(text, i, out);
        break;
      case kScheme:
        i = find_auth_credential(text, i, out);
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
