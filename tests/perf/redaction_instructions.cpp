// Redacts texts built to make a scan quadratic, inside functions that
// callgrind counts (tests/perf/CMakeLists.txt): docs/redaction.md promises a
// scan linear in the text, and instruction counts, unlike time, are the same
// on every run. Texts of kBytes each (a few more in one_run and joins): the gates divide
// by all their bytes, 300,000 and 900,000.

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

// Quoted values (`password="x"`, `\"password\":\"x\"`): each key's value is
// read up to its closing quote, escaped as deep as its opening one, over
// backslash runs. Linear because a run is counted once, not from each of
// its bytes, and because a value closes at the next quote of its own
// depth: many keys do not each read to the text's end. Each text breaks one
// of these if it regresses.
[[gnu::noinline]] std::size_t measured_quoted_values(const sluice::detail::Redactor& redactor) {
  std::size_t found = 0;
  std::string out;
  // One value over one long backslash run, and over many runs whose quote
  // is the value's own (17 backslashes: escaped, no delimiter).
  const std::string one_run = "password=\"x" + std::string(kBytes, '\\');
  const std::string runs = "password=\"" + repeated(R"(x\\\\\\\\\\\\\\\\\")");
  // Many keys, each opening a value that the next one's quote closes, at
  // each depth of escaping, interleaved so that a value reads across the
  // deeper ones (a quote of the value itself is escaped one level deeper).
  const std::string keys = repeated("password=\"");
  const std::string json_keys = repeated(R"("password":"a\"b",)");
  const std::string depths = repeated(
      R"("password":"a\"b", \"password\":\"a\\\"b\", \\\"password\\\":\\\"a\\\\\\\"b\\\", )"
      R"(\\\\\\\"password\\\\\\\":\\\\\\\"a\\\\\\\\\\\\\\\"b\\\\\\\", )");
  // Single quotes, and brackets that do not close, holding quoted strings
  // that hold brackets: the first key's group is read to the end, and each
  // key inside it reads its own over a bounded length (GroupMemo).
  const std::string single = repeated(R"(password='a\'b' )");
  const std::string groups = repeated(R"(password=["a[)");
  // A shell word's `'\''` joins: one value over many, and many keys.
  const std::string joins = "password='a" + repeated(R"('\''b)");
  const std::string joined_keys = repeated(R"(password='a'\''b'"'"'c )");
  for (const std::string* text :
       {&one_run, &runs, &keys, &json_keys, &depths, &single, &groups, &joins, &joined_keys}) {
    if (redactor.redact_text(*text, out) != 0) ++found;
  }
  return found;
}

}  // namespace

int main() {
  const sluice::detail::Redactor redactor{sluice::RedactionPolicy{}};
  const std::size_t nested = measured_nested_keys(redactor);
  const std::size_t quoted = measured_quoted_values(redactor);
  std::printf("%zu of 3 nested-key texts redacted, %zu of 9 quoted-value texts\n", nested, quoted);
  // The two with passwords; every quoted one: else it measured something else.
  return nested == 2 && quoted == 9 ? 0 : 1;
}
