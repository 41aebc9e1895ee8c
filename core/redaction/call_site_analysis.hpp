#pragma once
// Which message arguments of a format string are secrets by position:
// `password={}`, `token: {}`, `"api_key": "{}"`, `<pwd>{}</pwd>`,
// `Authorization: Bearer {}`. Run once per call site, when the backend
// first meets it; records then pay nothing for it.

#include <cstddef>
#include <string_view>
#include <vector>

namespace sluice::detail {

class KeyMatcher;

/// Returns one flag per argument index the format uses (automatic or
/// explicit, `{}` / `{1}` / `{:>8}`): true when the literal text right
/// before one of its placeholders ends with a sensitive key and a
/// separator. A malformed format gives what could be parsed; indexes of
/// 256 and more are ignored.
std::vector<bool> sensitive_placeholders(std::string_view format, const KeyMatcher& keys);

/// The same test on the literal text before one placeholder.
bool literal_marks_secret(std::string_view literal, const KeyMatcher& keys);

}  // namespace sluice::detail
