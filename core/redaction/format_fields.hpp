#pragma once
// The replacement fields of a fmt format string, walked once for the
// redaction code that reads formats: the call-site analysis (which
// arguments follow a sensitive key) and the record redactor's text copies
// of a site (which specs to drop). Malformed formats are fmt's to reject
// at compile time; here they give what could be parsed.

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::detail {

// One replacement field of a format: `{` [index] [`:` spec] `}`.
struct FormatField {
  std::size_t open = 0;   // the `{`
  std::size_t spec = 0;   // right after the index: `:`, or the closing `}`
  std::size_t close = 0;  // the closing `}`
  std::size_t index = 0;  // automatic or explicit
  // The spec's nested fields (dynamic width or precision): their `{`s, and
  // their argument indexes.
  std::vector<std::pair<std::size_t, std::size_t>> nested;
};

// Calls visit(text) for each literal run (escaped braces as written) and
// visit(field) for each replacement field, in order.
template <typename Literal, typename Field>
inline void for_each_field(std::string_view format, Literal literal, Field field) {
  std::size_t automatic = 0;
  const auto index_at = [&](std::size_t& i) {
    std::size_t index = 0;
    bool explicit_index = false;
    while (i < format.size() && format[i] >= '0' && format[i] <= '9') {
      if (index < 4096) index = index * 10 + static_cast<std::size_t>(format[i] - '0');
      explicit_index = true;
      ++i;
    }
    return explicit_index ? index : automatic++;
  };
  std::size_t run = 0;
  for (std::size_t i = 0; i < format.size();) {
    const char c = format[i];
    if ((c == '{' || c == '}') && i + 1 < format.size() && format[i + 1] == c) {
      i += 2;
      continue;
    }
    if (c != '{') {
      ++i;
      continue;
    }
    literal(format.substr(run, i - run));
    FormatField f;
    f.open = i++;
    f.index = index_at(i);
    f.spec = i;
    int depth = 1;
    while (i < format.size()) {
      if (format[i] == '{') {
        ++depth;
        const std::size_t nested_open = i++;
        f.nested.emplace_back(nested_open, index_at(i));
        continue;
      }
      if (format[i] == '}' && --depth == 0) break;
      ++i;
    }
    f.close = i;
    if (i < format.size()) ++i;
    run = i;
    field(f);
  }
  literal(format.substr(run));
}

}  // namespace sluice::detail
