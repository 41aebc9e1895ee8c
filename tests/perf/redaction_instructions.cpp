// Redacts texts built to make a scan quadratic, inside functions that
// callgrind counts (tests/perf/CMakeLists.txt): docs/redaction.md promises a
// scan linear in the text, and instruction counts, unlike time, are the same
// on every run. Three texts of kBytes each: the gate divides by all 300,000
// bytes.

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "redaction/redactor.hpp"
#include "sluice/redaction.hpp"

namespace {

constexpr std::size_t kBytes = 100'000;

std::string repeated(std::string_view unit) {
  std::string text;
  while (text.size() < kBytes) text += unit;
  text.resize(kBytes);
  return text;
}

// Every `=` is a sensitive key whose bare value runs to the end of the text:
// read again from each key, that was 0.9 s for 80 KB.
[[gnu::noinline]] std::size_t measured_nested_keys(const sluice::detail::Redactor& redactor) {
  std::size_t found = 0;
  std::string out;
  // `pin=pin=...` holds no digit, which a PIN needs: left alone, but each
  // key's search for a digit was the quadratic part.
  for (const std::string_view unit : {"password=", "--password=", "pin="}) {
    if (redactor.redact_text(repeated(unit), out) != 0) ++found;
  }
  return found;
}

}  // namespace

int main() {
  const sluice::detail::Redactor redactor{sluice::RedactionPolicy{}};
  const std::size_t found = measured_nested_keys(redactor);
  std::printf("%zu of 3 texts redacted\n", found);
  return found == 2 ? 0 : 1;  // the two with passwords: else it measured something else
}
