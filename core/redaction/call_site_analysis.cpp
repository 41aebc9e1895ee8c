#include "call_site_analysis.hpp"

#include <array>
#include <string>

#include "finders.hpp"
#include "format_fields.hpp"
#include "key_matcher.hpp"
#include "scan_chars.hpp"

namespace sluice::detail {

namespace {

constexpr std::size_t kMaxArguments = 256;

std::string_view trim_right_spaces(std::string_view s) noexcept {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The length of the scheme word (one of `schemes`, any case) that ends `s`
// as a word of its own, or 0.
template <std::size_t N>
std::size_t scheme_at_end(std::string_view s,
                          const std::array<std::string_view, N>& schemes) noexcept {
  for (const std::string_view scheme : schemes) {
    if (s.size() >= scheme.size() && scan::has_word_at(s, s.size() - scheme.size(), scheme) &&
        (s.size() == scheme.size() || !scan::word(s[s.size() - scheme.size() - 1]))) {
      return scheme.size();
    }
  }
  return 0;
}

// The schemes the free-text finder knows without a key: what follows them
// is a credential (`calling upstream with Bearer {}`).
constexpr std::array<std::string_view, 2> kCredentialSchemes{"bearer", "basic"};
// The schemes that may sit between a key and its credential.
constexpr std::array<std::string_view, 3> kKeyedSchemes{"bearer", "basic", "token"};

// `... Bearer ` before the placeholder: the scheme is not the key, what
// precedes it is (`Authorization: Token {}`).
std::string_view drop_auth_scheme(std::string_view s) noexcept {
  const std::size_t scheme = scheme_at_end(s, kKeyedSchemes);
  if (scheme == 0 || scheme == s.size()) return s;
  s.remove_suffix(scheme);
  if (!s.empty() && s.back() == '"') s.remove_suffix(1);
  return trim_right_spaces(s);
}

// `Bearer {}`: the format says the argument is the credential, whatever it
// looks like and whatever (if anything) names the header. The blank is
// needed: `Bearer{}` and `Bearer: {}` are something else. In lower case in
// the middle of a sentence the word is an adjective (`running basic {}
// checks`, `a basic {} test`): a scheme is written as one, capital first
// (`calling upstream with Bearer {}`), or stands where a header's value
// starts: at the text's start (`starts_text`), after a `:` or `=`
// (`authorization: basic {}`), a quote (`"bearer {}"`) or a line break.
bool ends_with_credential_scheme(std::string_view literal, bool starts_text) noexcept {
  const std::string_view scheme_end = trim_right_spaces(literal);
  if (scheme_end.size() == literal.size()) return false;
  const std::size_t scheme = scheme_at_end(scheme_end, kCredentialSchemes);
  if (scheme == 0) return false;
  const std::size_t word = scheme_end.size() - scheme;
  if (scan::upper(scheme_end[word])) return true;
  const std::string_view before = trim_right_spaces(scheme_end.substr(0, word));
  if (before.empty()) return starts_text;
  const char c = before.back();
  return c == ':' || c == '=' || c == '"' || c == '\'' || c == '`' || c == '\n' || c == '\r';
}

// `--password {}`: a command line's flag with a sensitive name, a blank,
// then the field (`--password={}` is a key and a separator). The flag may
// be a quoted word (`'--password' '{}'`, `"--password" {}`) or an element
// of a listed argv (`["--password", "{}"]`, where the comma does for the
// blank), as find_flag_value takes them in free text.
bool ends_with_sensitive_flag(std::string_view literal, const KeyMatcher& keys) {
  std::string_view flag_end = trim_right_spaces(literal);
  const bool listed = !flag_end.empty() && flag_end.back() == ',';
  if (listed) flag_end.remove_suffix(1);
  if (!listed && flag_end.size() == literal.size()) return false;
  char quote = 0;
  if (!flag_end.empty() && (flag_end.back() == '"' || flag_end.back() == '\'')) {
    quote = flag_end.back();
    flag_end.remove_suffix(1);
  }
  if (listed && quote == 0) return false;
  std::size_t name = flag_end.size();
  while (
      name > 0 && flag_end.size() - name <= KeyMatcher::kMaxKeyLength &&
      (scan::word(flag_end[name - 1]) || flag_end[name - 1] == '-' || flag_end[name - 1] == '.')) {
    --name;
  }
  // The dashes were taken as part of the name: find where it really starts.
  const std::size_t dashes = flag_end.substr(name).find_first_not_of('-');
  if (dashes != 2) return false;
  // A word of its own: the quote that closes it opened it; an unquoted one
  // starts after a blank or a quote (`sh -c "--password {}"`).
  const char before = name > 0 ? flag_end[name - 1] : 0;
  if (quote != 0 ? before != quote
                 : name > 0 && !scan::space(before) && before != '"' && before != '\'') {
    return false;
  }
  // A quote before the flag glued to a word (`x'--password'`) closes or
  // continues that word: it starts no flag, as find_flag_value has it.
  if ((before == '"' || before == '\'') && name > 1 && scan::word(flag_end[name - 2])) {
    return false;
  }
  const std::string_view flag_name = flag_end.substr(name + 2);
  return !switch_flag_name(flag_name) && keys.is_sensitive(flag_name);
}

}  // namespace

bool literal_marks_secret(std::string_view literal, const KeyMatcher& keys, bool starts_text) {
  std::string_view s = literal;
  // An opening quote of the value: `"{}"`, `'{}'`, `\"{}\"`, `\\\"{}\\\"`.
  if (!s.empty() && (s.back() == '"' || s.back() == '\'')) {
    s.remove_suffix(1);
    while (!s.empty() && s.back() == '\\') s.remove_suffix(1);
  }
  if (ends_with_credential_scheme(s, starts_text) || ends_with_sensitive_flag(s, keys)) return true;
  s = trim_right_spaces(s);
  s = drop_auth_scheme(s);
  if (s.empty()) return false;
  if (s.ends_with("=>")) s.remove_suffix(1);  // Ruby's and PHP's `=>` is one separator
  if (s.back() == '>') {
    // `<password>{}`: the element's name.
    const std::size_t open = s.rfind('<');
    if (open == std::string_view::npos) return false;
    const std::string_view tag = s.substr(open + 1, s.size() - open - 2);
    return !tag.empty() && tag.front() != '/' && keys.is_sensitive(tag);
  }
  if (s.back() != '=' && s.back() != ':') return false;
  if (s.ends_with(":=")) s.remove_suffix(1);  // Go's `:=` is one separator
  s.remove_suffix(1);
  // `a == {}` and `std::{}` are not keys.
  if (!s.empty() && (s.back() == '=' || s.back() == ':' || s.back() == '!' || s.back() == '<' ||
                     s.back() == '>')) {
    return false;
  }
  const std::string_view key = key_before(s, s.size());
  return !key.empty() && keys.is_sensitive(key);
}

namespace {

// Calls visit(index, literal, top_level) for each replacement field of the
// format, in order: its argument index (automatic or explicit), the literal
// text since the previous top-level field (unescaped), and whether it is a
// field of its own or one nested in another's spec (a dynamic width, which
// shows nothing). Indexes of kMaxArguments and more are not visited: a call
// site has at most a few dozen arguments (fmt checked the format at compile
// time), and an index beyond this is not one of them.
template <typename Visit>
void for_each_placeholder(std::string_view format, Visit visit) {
  std::string literal;
  const auto unescape = [&](std::string_view run) {
    for (std::size_t i = 0; i < run.size(); ++i) {
      literal += run[i];
      if ((run[i] == '{' || run[i] == '}') && i + 1 < run.size() && run[i + 1] == run[i]) ++i;
    }
  };
  for_each_field(format, unescape, [&](const FormatField& field) {
    if (field.index < kMaxArguments) visit(field.index, std::string_view(literal), true);
    for (const auto& nested : field.nested) {
      if (nested.second < kMaxArguments) visit(nested.second, std::string_view(literal), false);
    }
    literal.clear();
  });
}

bool has_word_char(std::string_view s) noexcept {
  for (const char c : s) {
    if (scan::word(c)) return true;
  }
  return false;
}

}  // namespace

std::vector<bool> sensitive_placeholders(std::string_view format, const KeyMatcher& keys) {
  std::vector<bool> sensitive;
  bool first = true;  // only the first field's literal starts at the format's start
  for_each_placeholder(format, [&](std::size_t index, std::string_view literal, bool top_level) {
    if (sensitive.size() <= index) sensitive.resize(index + 1, false);
    if (!top_level) return;
    if (literal_marks_secret(literal, keys, first)) sensitive[index] = true;
    first = false;
  });
  return sensitive;
}

std::vector<KeyedPlaceholder> keyed_placeholders(std::string_view format) {
  std::vector<KeyedPlaceholder> keyed;
  bool after_field = false;  // a top-level field came before this literal
  std::size_t key_index = 0;
  std::string key_literal;  // the literal before that field
  for_each_placeholder(format, [&](std::size_t index, std::string_view literal, bool top_level) {
    if (!top_level) return;
    // A word character between the two fields would end any key there, and
    // the call-site analysis already looks at what the literal holds; but
    // an auth scheme (`{}: Bearer {}`) is not the key, the field before is.
    if (after_field && key_index != index &&
        !has_word_char(drop_auth_scheme(trim_right_spaces(literal)))) {
      keyed.push_back({key_index, index, key_literal, std::string(literal)});
    }
    after_field = true;
    key_index = index;
    key_literal = literal;
  });
  return keyed;
}

bool keyed_value_is_secret(const KeyedPlaceholder& keyed, std::string_view key_text,
                           const KeyMatcher& keys, std::string& scratch) {
  // Only the key's end can matter (a key is at most kMaxKeyLength long):
  // a long argument is not copied whole for every record.
  constexpr std::size_t kTail = 2 * KeyMatcher::kMaxKeyLength;
  const bool cut = key_text.size() > kTail;
  if (cut) {
    scratch.assign(key_text.substr(key_text.size() - kTail));
  } else {
    scratch.assign(keyed.key_literal);
    scratch += key_text;
  }
  scratch += keyed.between;
  // A scheme with nothing before it in the key's literal and text (`{}{}`
  // with "bearer ") is taken as a value's start, as at the format's.
  return literal_marks_secret(scratch, keys, !cut);
}

}  // namespace sluice::detail
