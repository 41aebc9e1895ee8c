#include "value_scanner.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "finders.hpp"
#include "key_matcher.hpp"
#include "scan_chars.hpp"

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
  // One span found by two value finders (a URL's password whose host looks
  // like an e-mail domain) is named after the later kind, whatever order
  // std::sort leaves them in.
  std::sort(begin, matches.end(), [](const Match& a, const Match& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.kind > b.kind;
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

// 64 bytes at a time, as bit masks (bit k: byte k of the block).
struct BlockMasks {
  std::uint64_t digits;    // 0-9
  std::uint64_t joins;     // ' ' and '-': what joins the digit groups of a card
  std::uint64_t triggers;  // a superset of the table's other triggers
};

// `chunks`: how many of the block's four 16-byte chunks hold text (the
// text's last block is often short; the others are zero, in no class).
#if defined(__SSE2__)
BlockMasks block_masks(const unsigned char* block, int chunks) noexcept {
  const __m128i zero_char = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
  // '=' '>' '?' '@' 'A' 'B' are 0x3D-0x42: one range ('?' is filtered out
  // by the table when dispatched).
  const __m128i eq_sign = _mm_set1_epi8('='), range = _mm_set1_epi8(0x42 - 0x3D);
  const __m128i colon = _mm_set1_epi8(':'), j = _mm_set1_epi8('J'), b = _mm_set1_epi8('b'),
                dash = _mm_set1_epi8('-'), under = _mm_set1_epi8('_'), space = _mm_set1_epi8(' ');
  BlockMasks m{0, 0, 0};
  for (int chunk = 0; chunk < chunks; ++chunk) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * chunk));
    const __m128i d = _mm_sub_epi8(v, zero_char);
    const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
    const __m128i r = _mm_sub_epi8(v, eq_sign);
    const __m128i in_range = _mm_cmpeq_epi8(_mm_min_epu8(r, range), r);
    const __m128i is_dash = _mm_cmpeq_epi8(v, dash);
    const __m128i joins = _mm_or_si128(_mm_cmpeq_epi8(v, space), is_dash);
    const __m128i triggers =
        _mm_or_si128(_mm_or_si128(in_range, _mm_cmpeq_epi8(v, colon)),
                     _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, j), _mm_cmpeq_epi8(v, b)),
                                  _mm_or_si128(is_dash, _mm_cmpeq_epi8(v, under))));
    const int shift = 16 * chunk;
    m.digits |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(is_digit)))
                << shift;
    m.joins |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(joins))) << shift;
    m.triggers |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(triggers)))
                  << shift;
  }
  return m;
}
#else
BlockMasks block_masks(const unsigned char* block, int chunks) noexcept {
  BlockMasks m{0, 0, 0};
  for (int k = 0; k < 16 * chunks; ++k) {
    const unsigned char c = block[k];
    const std::uint64_t bit = std::uint64_t{1} << k;
    if (c >= '0' && c <= '9') m.digits |= bit;
    if (c == ' ' || c == '-') m.joins |= bit;
    if (kTriggers[c] != kNone && kTriggers[c] != kDigit) m.triggers |= bit;
  }
  return m;
}
#endif

// Where a card or an SSN may start: a run of 9 or more bytes that are
// digits, or spaces and dashes between digits (neither fits in fewer), and
// the run that reaches the block's end (it may go on in the next block).
// Short numbers (`200`, `12.5`, `2026-01-21`) never get here.
std::uint64_t long_number_starts(const BlockMasks& m) noexcept {
  if (m.digits == 0) return 0;  // most blocks of prose: nothing to chain
  const std::uint64_t chain = m.digits | (m.joins & (m.digits >> 1) & (m.digits << 1));
  // bit k: bytes k..k+8 all in the chain, by doubling runs (2, 4, 8, 9).
  const std::uint64_t two = chain & (chain >> 1);
  const std::uint64_t four = two & (two >> 2);
  const std::uint64_t nine = four & (four >> 4) & (chain >> 8);
  const std::uint64_t run_starts = chain & ~(chain << 1);
  std::uint64_t starts = run_starts & nine;
  if (chain >> 63) {
    // The last run's start: just above the highest byte outside the chain.
    const std::uint64_t gaps = ~chain;
    starts |= gaps == 0 ? 1 : std::uint64_t{1} << (64 - __builtin_clzll(gaps));
  }
  return starts;
}

}  // namespace

void ValueScanner::scan(std::string_view text, std::vector<Match>& out) const {
  if (text.size() >= std::numeric_limits<std::uint32_t>::max()) return;
  const std::size_t first = out.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  alignas(16) unsigned char tail[64];
  ValueMemo memo;
  std::size_t i = 0;
  while (i < n) {
    // The masks of the 64 bytes from i (the text's end padded with zeros,
    // which are in no class).
    const std::size_t base = i;
    const unsigned char* block = bytes + base;
    int chunks = 4;
    if (n - base < 64) {
      std::memset(tail, 0, sizeof tail);
      std::memcpy(tail, bytes + base, n - base);
      block = tail;
      chunks = static_cast<int>((n - base + 15) / 16);
    }
    const BlockMasks masks = block_masks(block, chunks);
    std::uint64_t events = masks.triggers | long_number_starts(masks);
    const std::size_t next = base + 64;
    // Each case rules out the common non-match inline before calling its
    // finder: triggers are frequent in logs, matches are not.
    while (events != 0) {
      const std::size_t at = base + static_cast<std::size_t>(__builtin_ctzll(events));
      events &= events - 1;
      if (at < i || at >= n) continue;
      switch (kTriggers[bytes[at]]) {
        case kDigit:
          i = find_numbers(text, at, out);
          break;
        case kAt:
          i = find_email(text, at, out);
          break;
        case kSeparator:
          if (bytes[at] == ':' && at + 2 < n && bytes[at + 1] == '/' && bytes[at + 2] == '/') {
            i = find_url_password(text, at, out);  // `scheme://`: never a key's separator
            break;
          }
          // Nearly every key in a clean log is ruled out without a call:
          // by its last three letters (`page=`, `status=`), times and
          // addresses by having none (`00:14:32`, `10.0.3.17:8080`), short
          // last parts by their join (`request_id=`).
          // (Skipping find_key_value's `::` and `==` step is harmless: at
          // the second byte, the text before ends in a separator, no key.)
          i = keys_->surely_not_sensitive(text.substr(0, at)) ||
                      keys_->surely_not_sensitive_number(text.substr(0, at)) ||
                      keys_->surely_not_sensitive_short_part(text.substr(0, at))
                  ? at + 1
                  : find_key_value(text, at, *keys_, memo, out);
          break;
        case kJwt:
          i = at >= 2 && bytes[at - 1] == 'y' ? find_jwt(text, at, out) : at + 1;
          break;
        case kAws:
          // AKIA, ASIA, ... all end in 'A'; Google's AIza in 'a'.
          i = at + 3 < n && (bytes[at + 3] | 0x20) == 'a' ? find_aws_key(text, at, out) : at + 1;
          break;
        case kScheme: {
          // In free text only "Bearer" and "Basic" count: "be" + 'a' or
          // "ba" + 's' ("by", "batch", "bytes" stop here).
          const auto lower = [&](std::size_t k) { return k < n ? bytes[k] | 0x20 : 0; };
          const int second = lower(at + 1), third = lower(at + 2);
          i = (second == 'e' && third == 'a') || (second == 'a' && third == 's')
                  ? find_auth_credential(text, at, out)
                  : at + 1;
          break;
        }
        case kDash:
          // Dates, UUIDs and `eu-west-1` are full of single dashes: a PEM
          // block and a command line's flag (`--password x`) start with
          // "--", a vendor token's dash follows one of a few two-letter
          // endings.
          if (at + 1 < n && bytes[at + 1] == '-') {
            if (at + 2 < n && scan::alpha(static_cast<char>(bytes[at + 2]))) {
              find_flag_value(text, at, *keys_, memo, out);  // `--password x`
            }
            i = find_private_key(text, at, out);
          } else {
            i = vendor_prefix_may_end(text, at) ? find_vendor_token(text, at, out) : at + 1;
          }
          break;
        case kUnderscore:
          // Most '_' are in snake_case keys (`request_id`), not vendor
          // prefixes (`ghp_`, `sk_live_`).
          i = vendor_prefix_may_end(text, at) ? find_vendor_token(text, at, out) : at + 1;
          break;
        case kTagEnd:
          i = find_xml_value(text, at, *keys_, out);
          break;
        default:
          i = at + 1;
      }
      if (i >= next) break;
    }
    if (i < next) i = next;
  }
  // Nothing to merge in nearly every text: no call.
  if (out.size() - first >= 2) merge_matches(out, first);
}

}  // namespace sluice::detail
