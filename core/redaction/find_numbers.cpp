// Card numbers and SSNs: both are runs of digit groups, so one pass over the
// chain of groups finds either.

#include <algorithm>
#include <array>

#include "finders.hpp"
#include "luhn.hpp"
#include "scan_chars.hpp"

namespace sluice::detail {

namespace {

struct Group {
  std::size_t begin, end;
};
// More groups than any card has: a longer chain is scanned in windows of
// this many, each starting early enough to see what the last one cut.
constexpr std::size_t kMaxGroups = 12;
// The most groups a card (19 digits in groups of 3) or an SSN can span.
constexpr std::size_t kMaxMatchGroups = 6;

// Nothing that continues a number or a word may touch a match: `x4111...`,
// `1.4111...`, `+4411...` (a phone) and `4111....5` are not cards.
bool clean_left(std::string_view text, std::size_t begin) noexcept {
  if (begin == 0) return true;
  const char c = text[begin - 1];
  if (scan::word(c) || c == '+') return false;
  if ((c == '.' || c == ',' || c == '-') && begin >= 2 && scan::alnum(text[begin - 2]))
    return false;
  return true;
}
bool clean_right(std::string_view text, std::size_t end) noexcept {
  if (end >= text.size()) return true;
  const char c = text[end];
  if (scan::word(c)) return false;
  if ((c == '.' || c == ',' || c == '-') && end + 1 < text.size() && scan::alnum(text[end + 1]))
    return false;
  return true;
}

bool ssn_valid(std::string_view area, std::string_view group, std::string_view serial) noexcept {
  // Never issued: area 000, 666 and 900-999, group 00, serial 0000.
  if (area == "000" || area == "666" || area[0] == '9') return false;
  return group != "00" && serial != "0000";
}

// One window of at most kMaxGroups groups of the chain from `at`. Returns
// the chain's end if the window reached it, else (the window was full) the
// separator before the first group the next window must start at.
std::size_t find_numbers_window(std::string_view text, std::size_t at, std::vector<Match>& out) {
  const std::size_t n = text.size();
  std::array<Group, kMaxGroups> groups{};
  std::array<char, kMaxGroups> seps{};  // seps[g]: between groups g and g + 1
  std::size_t count = 0, digits = 0;
  std::size_t i = at;
  for (;;) {
    const std::size_t begin = i;
    while (i < n && scan::digit(text[i])) ++i;
    groups[count++] = Group{begin, i};
    digits += i - begin;
    if (count == kMaxGroups || i + 1 >= n || (text[i] != ' ' && text[i] != '-') ||
        !scan::digit(text[i + 1])) {
      break;
    }
    seps[count - 1] = text[i];
    ++i;
  }
  const std::size_t chain_end = i;
  const bool full = count == kMaxGroups && i + 1 < n && (text[i] == ' ' || text[i] == '-') &&
                    scan::digit(text[i + 1]);
  // Where the next window starts: early enough to hold any card or SSN
  // that this one cut (none spans more than kMaxMatchGroups groups), and
  // after the last match (`found_end`), so that nothing is found twice.
  std::size_t found_end = 0;
  const auto next_window = [&]() -> std::size_t {
    if (!full) return chain_end;
    const std::size_t g = std::max(count - kMaxMatchGroups, found_end);
    return g >= count ? chain_end : groups[g].begin - 1;
  };
  // Neither an SSN (9) nor a card (13) fits: the common case, decided here.
  if (digits < 9) return next_window();

  const auto size = [&](std::size_t g) { return groups[g].end - groups[g].begin; };
  // Where a window of groups may start and end: at the chain's ends if the
  // neighbours are clean, inside it only at a space (`card 25 4111 ...`).
  const auto may_start = [&](std::size_t g) {
    return g == 0 ? clean_left(text, groups[0].begin) : seps[g - 1] == ' ';
  };
  const auto may_end = [&](std::size_t g) {
    return g + 1 == count ? clean_right(text, chain_end) : seps[g] == ' ';
  };

  for (std::size_t a = 0; a < count;) {
    bool found = false;
    if (may_start(a)) {
      // SSN: exactly 3-2-4 joined by dashes.
      if (a + 2 < count && size(a) == 3 && size(a + 1) == 2 && size(a + 2) == 4 && seps[a] == '-' &&
          seps[a + 1] == '-' && may_end(a + 2)) {
        const std::string_view area = text.substr(groups[a].begin, 3);
        const std::string_view group = text.substr(groups[a + 1].begin, 2);
        const std::string_view serial = text.substr(groups[a + 2].begin, 4);
        if (ssn_valid(area, group, serial)) {
          out.push_back(Match{static_cast<std::uint32_t>(groups[a].begin),
                              static_cast<std::uint32_t>(groups[a + 2].end), RedactionKind::ssn});
          a += 3;
          found_end = a;
          continue;
        }
      }
      // Card: the longest window from `a` of 13-19 digits, either one group
      // or groups of 3-6 digits with one kind of separator (4-4-4-4, 4-6-5,
      // 4-4-4-4-3).
      std::array<char, 19> buffer{};
      std::size_t total = 0, b = a;
      for (; b < count; ++b) {
        // Diners' 14 digits are also written 4-4-4-2.
        const bool diners_tail =
            size(b) == 2 && b == a + 3 && size(a) == 4 && size(a + 1) == 4 && size(a + 2) == 4;
        if (b > a && ((size(b) < 3 && !diners_tail) || size(b) > 6 || size(a) < 3 || size(a) > 6 ||
                      seps[b - 1] != seps[a])) {
          break;
        }
        if (diners_tail) {
          for (std::size_t k = groups[b].begin; k < groups[b].end; ++k) buffer[total++] = text[k];
          ++b;
          break;  // nothing follows a 2-digit tail
        }
        if (total + size(b) > 19) break;
        for (std::size_t k = groups[b].begin; k < groups[b].end; ++k) buffer[total++] = text[k];
      }
      // Groups a..b-1 fit; try the longest first.
      for (std::size_t last = b; last-- > a && !found;) {
        std::size_t length = 0;
        for (std::size_t g = a; g <= last; ++g) length += size(g);
        if (length < 13) break;
        if (!may_end(last)) continue;
        if (card_number_valid(std::string_view(buffer.data(), length))) {
          out.push_back(Match{static_cast<std::uint32_t>(groups[a].begin),
                              static_cast<std::uint32_t>(groups[last].end), RedactionKind::card});
          a = last + 1;
          found_end = a;
          found = true;
        }
      }
    }
    if (!found) ++a;
  }
  return next_window();
}

}  // namespace

std::size_t find_numbers(std::string_view text, std::size_t at, std::vector<Match>& out) {
  const std::size_t n = text.size();
  const auto chain_goes_on = [&](std::size_t i) {
    return i + 1 < n && (text[i] == ' ' || text[i] == '-') && scan::digit(text[i + 1]);
  };
  // The scanner calls this once per chain (at its start), so a chain longer
  // than kMaxGroups is scanned here window after window.
  for (std::size_t start = at;;) {
    const std::size_t resume = find_numbers_window(text, start, out);
    if (!chain_goes_on(resume)) return resume;
    start = resume + 1;
  }
}

}  // namespace sluice::detail
