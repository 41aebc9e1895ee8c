// libFuzzer target for the redaction engine: arbitrary bytes through the
// built-in finders, the key matcher, a user pattern, every replacement
// style and the call-site analysis (the bytes as a format string, and as a
// key argument's text). Logged text is untrusted input; a crash, a
// sanitizer report or a broken invariant of the matches (in bounds,
// ordered, disjoint) is a finding.

#include <sluice/redaction.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "redaction/call_site_analysis.hpp"
#include "redaction/redactor.hpp"
#include "redaction/value_scanner.hpp"

namespace {

const sluice::detail::Redactor& redactor_for(std::uint8_t style) {
  static const auto make = [](sluice::RedactionStyle s) {
    sluice::RedactionPolicy policy;
    policy.styles.fill(s);
    policy.hmac_key = "fuzz";
    policy.patterns = {"(?i)secret-([a-z0-9]+)"};
    return new sluice::detail::Redactor(policy);  // lives for the whole run
  };
  static const sluice::detail::Redactor* redactors[3] = {make(sluice::RedactionStyle::redacted),
                                                         make(sluice::RedactionStyle::mask),
                                                         make(sluice::RedactionStyle::hmac)};
  return *redactors[style % 3];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const sluice::detail::Redactor& redactor = redactor_for(size > 0 ? data[0] : 0);

  // The matches themselves.
  static std::vector<sluice::detail::Match> matches;
  matches.clear();
  const sluice::detail::ValueScanner scanner(redactor.keys());
  scanner.scan(text, matches);
  std::uint32_t previous_end = 0;
  for (const auto& m : matches) {
    if (m.begin >= m.end || m.end > size || m.begin < previous_end) std::abort();
    if (static_cast<std::size_t>(m.kind) >= sluice::redaction_kind_count) std::abort();
    previous_end = m.end;
  }

  // The whole redaction, then again over its own output: replacements hold
  // no secret, so a second pass must terminate and stay in bounds too.
  static std::string out, again;
  sluice::RedactionCounts counts{};
  if (redactor.redact_text(text, out, &counts) != 0) {
    if (out.empty() && size > 0 && matches.empty()) std::abort();
    redactor.redact_text(out, again, &counts);
  }

  // The bytes as a format string, and as a key.
  const std::vector<bool> sensitive = sluice::detail::sensitive_placeholders(text, redactor.keys());
  if (sensitive.size() > 256) std::abort();  // indexes are capped
  // Keyed placeholders: their indexes are capped too, and the per-record
  // test takes the bytes as a key argument's text.
  static std::string scratch;
  for (const auto& keyed : sluice::detail::keyed_placeholders(text)) {
    if (keyed.key >= 256 || keyed.value >= 256 || keyed.key == keyed.value) std::abort();
    (void)sluice::detail::keyed_value_is_secret(keyed, text, redactor.keys(), scratch);
  }
  (void)redactor.keys().is_sensitive(text.substr(0, 120));
  return 0;
}
