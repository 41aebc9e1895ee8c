#include "redactor.hpp"

#include <utility>

namespace sluice::detail {

namespace {
// Scratch matches, one vector per thread: no allocation once warm.
thread_local std::vector<Match> t_matches;
}  // namespace

Redactor::Redactor(RedactionPolicy policy)
    : policy_(std::move(policy)),
      keys_(policy_.keys),
      scanner_(keys_),
      patterns_(policy_.patterns),
      replacer_(policy_.styles, policy_.hmac_key) {}

KindMask Redactor::redact_text(std::string_view text, std::string& out,
                               RedactionCounts* counts) const {
  std::vector<Match>& matches = t_matches;
  matches.clear();
  if (policy_.scan_values) scanner_.scan(text, matches);
  if (!patterns_.empty()) {
    patterns_.find(text, matches);
    merge_matches(matches, 0);
  }
  if (matches.empty()) return 0;
  KindMask kinds = 0;
  for (const Match& m : matches) {
    kinds |= kind_bit(m.kind);
    if (counts != nullptr) ++(*counts)[static_cast<std::size_t>(m.kind)];
  }
  out.clear();
  apply(text, matches, out);
  return kinds;
}

void Redactor::apply(std::string_view text, const std::vector<Match>& matches,
                     std::string& out) const {
  std::size_t pos = 0;
  for (const Match& m : matches) {
    out.append(text, pos, m.begin - pos);
    replacer_.append(text.substr(m.begin, m.end - m.begin), m.kind, out);
    pos = m.end;
  }
  out.append(text, pos);
}

}  // namespace sluice::detail
