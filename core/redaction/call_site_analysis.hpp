#pragma once
// Which message arguments of a format string are secrets by position:
// `password={}`, `token: {}`, `"api_key": "{}"`, `<pwd>{}</pwd>`,
// `Authorization: Bearer {}`, `with Bearer {}`. Run once per call site, when the backend
// first meets it; records then pay nothing for it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::detail {

class KeyMatcher;

/// Returns one flag per argument index the format uses (automatic or
/// explicit, `{}` / `{1}` / `{:>8}`): true when the literal text right
/// before one of its placeholders ends with a sensitive key and a
/// separator, or with the scheme `Bearer ` or `Basic ` (the credential,
/// whatever key comes before; in lower case only where a value starts:
/// `running basic {} checks` is prose). A malformed format gives what could
/// be parsed; indexes of 256 and more are ignored.
std::vector<bool> sensitive_placeholders(std::string_view format, const KeyMatcher& keys);

/// The same test on the literal text before one placeholder; `starts_text`:
/// nothing comes before `literal` (it is the format's first).
bool literal_marks_secret(std::string_view literal, const KeyMatcher& keys, bool starts_text);

/// A placeholder whose key may be the text of the argument shown right
/// before it: `{}={}`, `{}: "{}"`, `"{}": "{}"`, `{}{}` (`"token="` then the
/// value), `{}: Bearer {}`. Only a record's arguments tell, so the test runs per record.
struct KeyedPlaceholder {
  std::size_t key;          // the argument index of the field before
  std::size_t value;        // this field's argument index
  std::string key_literal;  // the literal text before the key's field
  std::string between;      // the literal text between the two fields
};

/// The format's top-level fields that follow another with no word
/// character between them (a word would end the key, and is already looked
/// at by sensitive_placeholders), or none but an auth scheme's right before
/// the field (`{}: Bearer {}`), in format order.
std::vector<KeyedPlaceholder> keyed_placeholders(std::string_view format);

/// Whether the key's text, with the literals around it, marks the value as
/// a secret. `scratch` is reused between calls.
bool keyed_value_is_secret(const KeyedPlaceholder& keyed, std::string_view key_text,
                           const KeyMatcher& keys, std::string& scratch);

}  // namespace sluice::detail
