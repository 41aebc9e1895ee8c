// `key=value`, `key: value`, `"key": "value"` and their escaped-JSON forms in
// free text: the value goes when the key is sensitive.

#include <algorithm>
#include <array>

#include "finders.hpp"
#include "key_matcher.hpp"
#include "scan_chars.hpp"

namespace sluice::detail {

namespace {

constexpr bool key_char(char c) noexcept { return scan::word(c) || c == '-' || c == '.'; }

// What ends an unquoted value: `password=x&remember=1`, `token=x; Path=/`,
// `{"pin":1234}`, `pwd=x"` inside a JSON string.
constexpr bool value_end(char c) noexcept {
  return scan::space(c) || c == '&' || c == ';' || c == ',' || c == '"' || c == '\'' || c == '<' ||
         c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' ||
         c == '\\';
}

// A value may start with a byte that would end a bare one. An opening
// bracket starts a group that goes whole, up to its matching bracket
// (`password=(x)`, `"credentials": {...}`, as a field with a sensitive key
// goes whole whatever its type), however far that is: a long list whose
// first element alone went kept the others. A key inside a group already
// read further than kMaxGroupLength (GroupMemo) reads its own no further
// than that, so that a text of many `pwd=[` stays linear to scan.
constexpr std::size_t kMaxGroupLength = 256;
constexpr char closing_bracket(char c) noexcept {
  switch (c) {
    case '(':
      return ')';
    case '[':
      return ']';
    case '{':
      return '}';
    case '<':
      return '>';
    default:
      return 0;
  }
}

// Bytes that end a bare value but may start one: `password=&x`,
// `password=,x`, `password=)x`, `password=\x`. Opening brackets start a
// group, quotes a quoted value; JSON's escaped blanks (`\n`, `\r`, `\t`
// inside a string) are blanks.
bool leading_punctuation(std::string_view text, std::size_t at) noexcept {
  switch (text[at]) {
    case '&':
    case ';':
    case ',':
    case ')':
    case ']':
    case '}':
    case '>':
      return true;
    case '\\': {
      const char next = at + 1 < text.size() ? text[at + 1] : 0;
      return next != 'n' && next != 'r' && next != 't';
    }
    default:
      return false;
  }
}

// JSON inside a JSON string (a logged request body), and that inside one
// more: at each level of escaping a quote takes twice the backslashes of
// the level before and one more (`"`, `\"`, `\\\"`), a backslash of the
// innermost text twice as many (`\\`, `\\\\`). So a quoted value's delimiter is
// a run of 2^L - 1 backslashes and a quote, L levels deep; 4 levels are
// followed (deeper is not seen in logs).
constexpr std::size_t kMaxDelimiterRun = 15;
constexpr bool escape_delimiter(std::size_t run) noexcept {
  return run <= kMaxDelimiterRun && (run & (run + 1)) == 0;
}

std::size_t backslash_run(std::string_view text, std::size_t at) noexcept {
  std::size_t k = at;
  while (k < text.size() && text[k] == '\\') ++k;
  return k - at;
}

// The group opened at `open`, read up to `limit`: where it ends (past its
// closing bracket) if it closes before `limit`, and where its last digit is.
struct GroupScan {
  bool closed;
  std::size_t end;        // past the closing bracket, or where reading stopped
  std::size_t digit_end;  // one past the last digit read, 0 if none
};

// Can a JSON string start at `at`, inside the group opened at `open`: does
// an opening bracket, a `,` or a `:` come before it, but for blanks? An
// escaped quote elsewhere (`password=(a\"b)`) is no string's start.
bool json_string_may_start(std::string_view text, std::size_t open, std::size_t at) noexcept {
  std::size_t k = at;
  while (k > open + 1 && (text[k - 1] == ' ' || text[k - 1] == '\t')) --k;
  const char before = text[k - 1];
  return before == ',' || before == ':' || before == '[' || before == '{' || before == '(';
}

// Brackets of the group's kind nest; a double-quoted string inside (JSON)
// may hold any bracket. In JSON escaped in a JSON string (`[\"a]\"]`, or
// deeper) its strings are quoted as deep as the first quote in the group
// where a string may start: a run of 2^L - 1 backslashes and a quote, where
// a run of one more level (2^(L+1) - 1) is a quote of the string itself.
// Python's reprs quote with `'` too (`['a]', "it's"]`): a `'` where a
// string may start opens one, up to the next `'` not escaped; elsewhere it
// is an apostrophe. Other escaped bytes are skipped.
GroupScan scan_group(std::string_view text, std::size_t open, char close,
                     std::size_t limit) noexcept {
  constexpr std::size_t kUnknown = static_cast<std::size_t>(-1);
  const char opening = text[open];
  const std::string_view read = text.substr(0, limit);
  std::size_t depth = 0, digit_end = 0, string_run = kUnknown;
  char string_quote = 0;  // the quote of the string the scan is in, if any
  for (std::size_t k = open; k < limit; ++k) {
    const char c = text[k];
    if (scan::digit(c)) {
      digit_end = k + 1;
    } else if (c == '\\' || c == '"' || c == '\'') {
      const std::size_t run = backslash_run(read, k);
      const std::size_t after = k + run;  // the byte that the run escapes
      const char quote = after < limit ? text[after] : 0;
      if (quote == '"' && string_quote != '\'') {
        if (string_run == kUnknown && escape_delimiter(run) &&
            (run == 0 || json_string_may_start(text, open, k))) {
          string_run = run;
        }
        if (string_run != kUnknown && run % (2 * (string_run + 1)) == string_run) {
          string_quote = string_quote == 0 ? '"' : 0;
        }
        k = after;
      } else if (quote == '\'' && string_quote != '"') {
        if (string_quote == '\'' ? run % 2 == 0
                                 : run == 0 && json_string_may_start(text, open, k)) {
          string_quote = string_quote == 0 ? '\'' : 0;
        }
        k = after;
      } else if (quote == '"' || quote == '\'') {
        k = after;  // the other quote, inside a string: text
      } else if (run % 2 == 1) {
        if (after < limit && scan::digit(text[after])) digit_end = after + 1;
        k = after;  // the escaped byte, in a string or not
      } else {
        k = after - 1;  // escaped backslashes only
      }
    } else if (string_quote != 0) {
      // brackets here are text
    } else if (c == opening) {
      ++depth;
    } else if (c == close && --depth == 0) {
      return {true, k + 1, digit_end};
    }
  }
  return {false, limit, digit_end};
}

// How the shell puts a `'` inside a single-quoted word: it closes the
// quote, adds an escaped or a double-quoted `'` and opens again
// (`'it'\''s'` of bash's `set -x`, `'it'"'"'s'` of Python's shlex.join).
// At a `'`: the length of such a join, or 0.
std::size_t shell_quote_join(std::string_view text, std::size_t at) noexcept {
  const std::string_view rest = text.substr(at);
  if (rest.starts_with("'\\''")) return 4;
  if (rest.starts_with("'\"'\"'")) return 5;
  return 0;
}

// Where the value from `begin`, quoted by `quote` after `delimiter`
// backslashes, ends: the start of its closing delimiter if it has one.
// Else (a line cut short) it runs on to the end of what holds it: the
// first quote escaped less deep than its own, which closes the JSON string
// that the value is escaped in (`"password=\"two words", ...`), or the
// text's end.
// A run of backslashes before a quote is some of the value's own
// backslashes and then either the delimiter or a quote of the value,
// escaped one level deeper (2 * delimiter + 1 backslashes); a run whose
// count is not `delimiter` modulo delimiter + 1 escapes the quote less deep.
std::size_t quoted_value_end(std::string_view text, std::size_t begin, char quote,
                             std::size_t delimiter) noexcept {
  const std::size_t own_backslash = 2 * (delimiter + 1);
  std::size_t end = begin, enclosing_end = text.size();
  while (end < text.size()) {
    const std::size_t run = backslash_run(text, end);
    if (end + run < text.size() && text[end + run] == quote) {
      if (run % own_backslash == delimiter) {
        const std::size_t join =
            quote == '\'' && delimiter == 0 ? shell_quote_join(text, end + run) : 0;
        if (join == 0) return end + run - delimiter;
        end += run + join;  // the word goes on
        continue;
      }
      if (run % (delimiter + 1) != delimiter) enclosing_end = std::min(enclosing_end, end);
      end += run + 1;
    } else {
      end += run == 0 ? 1 : run;  // what follows the run is the value's own
    }
  }
  return enclosing_end;
}

// Does the next `key=` or `key:` start at `at`? After `password=,` it means
// the punctuation ends an empty value (`password=,role=admin`,
// `password=&next=/`); otherwise it is the secret's first byte
// (`password=,x`).
bool pair_starts_at(std::string_view text, std::size_t at) noexcept {
  std::size_t k = at;
  while (k < text.size() && key_char(text[k])) ++k;
  return k > at && k < text.size() && (text[k] == '=' || text[k] == ':');
}

// Blanks (spaces, tabs) between a key and its separator, and between that
// and the value: aligned columns of configuration dumps pad either side
// (`password     = x`, `password:    x`, `pin\t:\t1234`).
constexpr std::size_t kMaxKeyGap = KeyMatcher::kMaxKeyGap;
constexpr std::size_t kMaxValueGap = 16;
constexpr bool blank(char c) noexcept { return c == ' ' || c == '\t'; }

// Values that say there is no secret: `password: null`, already masked
// (`***`, `[REDACTED]`: redacting twice would count twice).
bool placeholder_value(std::string_view v) noexcept {
  static constexpr std::array<std::string_view, 7> kWords{"true", "false",      "null",     "none",
                                                          "nil",  "[redacted]", "undefined"};
  // Stops at the first other byte: a long value is read once, not at each
  // key inside it.
  if (std::all_of(v.begin(), v.end(), [](char c) { return c == '*'; })) return true;
  if (v.size() > 10) return false;
  for (const std::string_view word : kWords) {
    if (v.size() == word.size() && scan::has_word_at(v, 0, word)) return true;
  }
  return false;
}

// Keys whose secret is a number (a card, an SSN, a PIN): a value without a
// digit is prose (`card: declined`, `pin: required`), not the secret.
bool numeric_secret_key(std::string_view key) noexcept {
  std::size_t end = key.size();
  while (end > 0 && !scan::alpha(key[end - 1])) --end;
  std::size_t begin = end;
  while (begin > 0 && scan::alpha(key[begin - 1]) &&
         !(scan::upper(key[begin]) && scan::lower(key[begin - 1]))) {
    --begin;
  }
  static constexpr std::array<std::string_view, 9> kNumeric{
      "card", "cardnumber", "number", "ssn", "cvv", "cvc", "pin", "otp", "pan"};
  const std::string_view last = key.substr(begin, end - begin);
  for (const std::string_view word : kNumeric) {
    if (last.size() == word.size() && scan::has_word_at(last, 0, word)) return true;
  }
  return false;
}

void find_value(std::string_view text, std::size_t i, std::string_view key, ValueMemo& memo,
                std::vector<Match>& out);

// Where an arrow function's body has its call or its parameter, past the
// unary operators and keywords that may come first (`!password`,
// `!!token`, `-n`, `typeof token`, `await f(`, `new F(`, `(password ||
// '')`). At most kMaxBodyPrefix of them: a value is not read far for this.
std::size_t past_unary_prefix(std::string_view text, std::size_t body) noexcept {
  constexpr std::size_t kMaxBodyPrefix = 8;
  static constexpr std::array<std::string_view, 4> kKeywords{"await ", "new ", "typeof ", "void "};
  std::size_t k = body;
  for (std::size_t taken = 0; taken < kMaxBodyPrefix && k < text.size(); ++taken) {
    const char c = text[k];
    if (c == '!' || c == '-' || c == '+' || c == '~' || c == '(') {
      ++k;
      continue;
    }
    const auto keyword = std::find_if(kKeywords.begin(), kKeywords.end(), [&](std::string_view w) {
      return text.substr(k).starts_with(w);
    });
    if (keyword == kKeywords.end()) break;
    k += keyword->size();
  }
  return k;
}

// `password => hash(password)`: JavaScript's arrow function, whose
// parameter is named like a secret. Ruby and PHP quote their keys or make
// them symbols (`"password" =>`, `:password =>`), and a logged value is no
// call, no block and not the key again; an arrow function's parameter is a
// bare identifier and its body a call (`f(`, `this.vault.get(`, `await
// f(`, `new F(`), a block (`{`) or uses the parameter
// (`password.length > 8`), after any unary operators (`!password`).
bool arrow_function(std::string_view text, std::string_view key, std::size_t body) noexcept {
  const auto key_begin = static_cast<std::size_t>(key.data() - text.data());
  const std::size_t key_end = key_begin + key.size();
  if (key_begin > 0 && (text[key_begin - 1] == ':' || text[key_begin - 1] == '"' ||
                        text[key_begin - 1] == '\'' || text[key_begin - 1] == '\\')) {
    return false;
  }
  if (!std::all_of(key.begin(), key.end(), scan::word) || text[key_end] == '"' ||
      text[key_end] == '\'') {
    return false;
  }
  if (text[body] == '{') return true;
  const std::size_t callee = past_unary_prefix(text, body);
  std::size_t k = callee;
  while (k < text.size() && (scan::word(text[k]) || text[k] == '.' || text[k] == '$')) ++k;
  if (k == callee) return false;
  if (k < text.size() && text[k] == '(') return true;
  const std::string_view first = text.substr(callee, k - callee);
  return first.starts_with(key) && (first.size() == key.size() || first[key.size()] == '.');
}

// How many backslashes right before `at` (at most kMaxDelimiterRun + 1: a
// longer run is no delimiter, and counting it whole at every key would not
// be linear).
std::size_t backslashes_before(std::string_view text, std::size_t at) noexcept {
  std::size_t k = at;
  while (k > 0 && text[k - 1] == '\\' && at - k <= kMaxDelimiterRun) --k;
  return at - k;
}

}  // namespace

std::string_view key_before(std::string_view text, std::size_t end) noexcept {
  std::size_t gap = 0;
  while (end > 0 && blank(text[end - 1]) && gap < kMaxKeyGap) {
    --end;
    ++gap;
  }
  if (end == 0) return {};
  const char last = text[end - 1];
  if (last == '"' || last == '\'') {
    // `"key":` or, inside a JSON string, `\"key\":` (`\\\"key\\\":` one deeper).
    const std::size_t escapes = backslashes_before(text, end - 1);
    if (!escape_delimiter(escapes)) return {};
    const std::size_t key_end = end - 1 - escapes;
    std::size_t begin = key_end;
    while (begin > 0 && key_end - begin <= KeyMatcher::kMaxKeyLength && text[begin - 1] != last) {
      --begin;
    }
    // A longer key: its end, which the key matcher judges it by.
    if (key_end - begin > KeyMatcher::kMaxKeyLength) return text.substr(begin, key_end - begin);
    if (begin == 0 || text[begin - 1] != last) return {};
    // The opening quote is escaped alike (at least as deep: a run that
    // also ends a value before it, `\\\\\"`, holds more).
    if (backslashes_before(text, begin - 1) < escapes) return {};
    return text.substr(begin, key_end - begin);
  }
  std::size_t begin = end;
  while (begin > 0 && end - begin <= KeyMatcher::kMaxKeyLength && key_char(text[begin - 1])) {
    --begin;
  }
  return text.substr(begin, end - begin);
}

std::size_t find_key_value(std::string_view text, std::size_t at, const KeyMatcher& keys,
                           ValueMemo& memo, std::vector<Match>& out) {
  const std::size_t n = text.size();
  const char sep = text[at];
  // `::`, `://`, `==`: not a key-value separator.
  if (at + 1 < n && (text[at + 1] == sep || (sep == ':' && text[at + 1] == '/'))) return at + 2;
  if (!keys.maybe_sensitive(text.substr(0, at))) return at + 1;  // nearly every key
  const std::string_view key = key_before(text, at);
  if (key.empty() || !keys.is_sensitive_filtered(key)) return at + 1;

  std::size_t i = at + 1;
  // Go's and Pascal's `:=`, Ruby's and PHP's `=>`: two-byte separators.
  const bool arrow = sep == '=' && i < n && text[i] == '>';
  if (arrow || (sep == ':' && i < n && text[i] == '=')) ++i;
  for (std::size_t gap = 0; i < n && blank(text[i]) && gap < kMaxValueGap; ++gap) ++i;
  if (i < n && !(arrow && arrow_function(text, key, i))) find_value(text, i, key, memo, out);
  return at + 1;
}

namespace {

// Where a bare value read from `from` ends, and whether it holds a digit.
struct BareValue {
  std::size_t end;
  bool has_digit;
};

BareValue read_bare_value(std::string_view text, std::size_t begin, std::size_t from,
                          BareValueMemo& memo) {
  const std::size_t n = text.size();
  // Inside the last value read, at a byte that does not end one: the read
  // from here stops where that one did (it would stop at the same byte,
  // and go on across the same digit groups).
  if (from >= memo.from && from < memo.end && !value_end(text[from])) {
    return {memo.end, memo.digit_end > from};
  }
  std::size_t end = from;
  while (end < n && !value_end(text[end])) ++end;
  // `'--password=it'\''s'`: a shell word goes on past such a join.
  while (end < n && text[end] == '\'') {
    const std::size_t join = shell_quote_join(text, end);
    if (join == 0) break;
    end += join;
    while (end < n && !value_end(text[end])) ++end;
  }
  // Digit groups go on across single spaces: `SSN: 123 45 6789`,
  // `card: 4111 1111 1111 1112` (the key says card even if Luhn does not).
  while (end + 1 < n && end > begin && text[end] == ' ' && scan::digit(text[end - 1]) &&
         scan::digit(text[end + 1])) {
    ++end;
    while (end < n && !value_end(text[end])) ++end;
  }
  std::size_t digit_end = end;
  while (digit_end > from && !scan::digit(text[digit_end - 1])) --digit_end;
  if (end > from) memo = {from, end, digit_end > from ? digit_end : 0};
  return {end, digit_end > from};
}

// The group that is a key's value, opened at `open`: up to its matching
// bracket however far, or to the text's end if it never closes (a line cut
// short: what follows may be any of its elements). A group opened inside
// the last one read further than kMaxGroupLength is read no further than
// that; if it does not close there, it ends where that one does (it lies
// inside it: that one's end is the nearest the text shows), unless it
// already read past that one's end, and then it is read whole (at most
// kMaxGroupLength of it twice).
GroupScan read_group(std::string_view text, std::size_t open, char close, GroupMemo& memo) {
  const std::size_t n = text.size();
  if (open > memo.from && open < memo.end) {
    const GroupScan bounded = scan_group(text, open, close, std::min(n, open + kMaxGroupLength));
    if (bounded.closed) return bounded;
    if (bounded.end <= memo.end)
      return {false, memo.end, memo.digit_end > open ? memo.digit_end : 0};
  }
  GroupScan whole = scan_group(text, open, close, n);
  if (!whole.closed) whole.end = n;
  if (whole.end - open > kMaxGroupLength) memo = {open, whole.end, whole.digit_end};
  return whole;
}

// `b` of `b'x'` (bytes) or `u` of `u'x'` (Python 2's unicode): a word of
// one letter glued to the quote that follows it.
bool python_string_prefix(std::string_view text, std::size_t at) noexcept {
  return (text[at] == 'b' || text[at] == 'u') && (at == 0 || !scan::word(text[at - 1]));
}

// `at` (< text.size()), or past a Python repr's string prefix there
// (`b'x'`, `u"it's"`, either quote): the prefix is no value of its own.
std::size_t past_python_string_prefix(std::string_view text, std::size_t at) noexcept {
  const bool prefixed = at + 1 < text.size() && python_string_prefix(text, at) &&
                        (text[at + 1] == '"' || text[at + 1] == '\'');
  return prefixed ? at + 1 : at;
}

// The value of a sensitive key, starting at `i` (< text.size()), if it holds
// a secret (`{'password': b'x'}`: after its prefix).
void find_value(std::string_view text, std::size_t i, std::string_view key, ValueMemo& memo,
                std::vector<Match>& out) {
  const std::size_t n = text.size();
  i = past_python_string_prefix(text, i);
  std::size_t begin = i, end = i;
  char quote = 0;
  const std::size_t delimiter = backslash_run(text, i);
  if (i + delimiter < n && (text[i + delimiter] == '"' || text[i + delimiter] == '\'') &&
      escape_delimiter(delimiter)) {
    quote = text[i + delimiter];
    begin = i + delimiter + 1;
  }
  // `Authorization: Bearer x` keeps its scheme: only the credential goes.
  std::size_t credential_end;
  if (find_scheme_credential(text, begin, false, out, credential_end)) return;

  if (quote != 0) end = quoted_value_end(text, begin, quote, delimiter);
  bool grouped = false, closed_group = false, has_digit = false;
  if (quote == 0) {
    end = begin;
    if (const char close = begin < n ? closing_bracket(text[begin]) : 0; close != 0) {
      grouped = true;
      const GroupScan group = read_group(text, begin, close, memo.group);
      closed_group = group.closed;
      end = group.end;
      has_digit = group.digit_end > begin;
    } else if (begin < n && leading_punctuation(text, begin)) {
      while (end < n && leading_punctuation(text, end)) ++end;
      if (end >= n || value_end(text[end]) || pair_starts_at(text, end)) end = begin;
    }
  }
  if (grouped) {
    // has_digit is the group's.
  } else if (quote == 0) {
    // [begin, end) so far is leading punctuation: no digit there.
    const BareValue bare = read_bare_value(text, begin, end, memo.bare);
    end = bare.end;
    has_digit = bare.has_digit;
  } else {
    has_digit = std::any_of(text.begin() + static_cast<std::ptrdiff_t>(begin),
                            text.begin() + static_cast<std::ptrdiff_t>(end), scan::digit);
  }
  const std::string_view value = text.substr(begin, end - begin);
  // `[REDACTED]` whole; `<nil>`, `[]`, `(none)` by what the brackets hold.
  const bool placeholder = placeholder_value(value) ||
                           (closed_group && placeholder_value(value.substr(1, value.size() - 2)));
  if (!value.empty() && !placeholder && (has_digit || !numeric_secret_key(key))) {
    out.push_back(Match{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end),
                        RedactionKind::key_value});
  }
}

}  // namespace

void find_flag_value(std::string_view text, std::size_t at, const KeyMatcher& keys, ValueMemo& memo,
                     std::vector<Match>& out) {
  const std::size_t n = text.size();
  // A flag starts a word: after a blank, or a quote: a logged argv
  // (`["--api-key", "x"]`, Go's `["--api-key" "x"]`), a shell-quoted
  // command line (`'--password' 'x'`) or a quoted one (`sh -c "--password x"`).
  const char quote = at > 0 && (text[at - 1] == '"' || text[at - 1] == '\'') ? text[at - 1] : 0;
  if (at > 0 && quote == 0 && !scan::space(text[at - 1])) return;
  // A quote glued to a word (`x'--password'`) closes or continues that
  // word: it starts no flag, unless the word is a string prefix of
  // Python's repr (`[b'--password', b'x']`, an argv of bytes).
  if (quote != 0 && at > 1 && scan::word(text[at - 2]) && !python_string_prefix(text, at - 2)) {
    return;
  }
  const std::size_t name = at + 2;
  std::size_t name_end = name;
  while (name_end < n && name_end - name <= KeyMatcher::kMaxKeyLength && key_char(text[name_end])) {
    ++name_end;
  }
  std::size_t i = name_end;
  // A quoted flag word ends at its quote; then a comma (a list: its next
  // element is a quoted string) or blanks (words) come before the value.
  bool listed = false;
  if (quote != 0 && i < n && text[i] == quote) {
    ++i;
    listed = i < n && text[i] == ',';
    if (listed) ++i;
  }
  const std::size_t gap_begin = i;
  for (std::size_t gap = 0; i < n && blank(text[i]) && gap < kMaxValueGap; ++gap) ++i;
  if (i >= n || (!listed && i == gap_begin)) return;
  if (listed) i = past_python_string_prefix(text, i);  // `[b'--password', b"it's"]`
  const bool quoted_value = text[i] == '"' || text[i] == '\'';
  if (listed && !quoted_value) return;
  const std::size_t first = i + (quoted_value ? 1 : 0);
  if (first < n && text[first] == '-') return;  // the next flag: this one has no value
  const std::string_view key = text.substr(name, name_end - name);
  if (key.empty() || switch_flag_name(key) || !keys.maybe_sensitive(text.substr(0, name_end)) ||
      !keys.is_sensitive_filtered(key)) {
    return;
  }
  find_value(text, i, key, memo, out);
}

bool switch_flag_name(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 6> kSwitchWords{"no-",     "without-", "ask-",
                                                                "prompt-", "skip-",    "disable-"};
  return std::any_of(kSwitchWords.begin(), kSwitchWords.end(),
                     [&](std::string_view word) { return scan::has_word_at(name, 0, word); });
}

std::size_t find_xml_value(std::string_view text, std::size_t at, const KeyMatcher& keys,
                           std::vector<Match>& out) {
  // `<name attr="...">`: attributes are not supported, the name must end
  // at the '>'.
  std::size_t name = at;
  while (name > 0 && at - name <= KeyMatcher::kMaxKeyLength &&
         (key_char(text[name - 1]) || text[name - 1] == ':')) {
    --name;
  }
  if (name == at || name == 0 || text[name - 1] != '<') return at + 1;
  const std::string_view tag = text.substr(name, at - name);
  if (!keys.is_sensitive(tag)) return at + 1;
  const std::size_t begin = at + 1;
  const std::size_t end = text.find('<', begin);
  if (end == std::string_view::npos || end == begin || text.compare(end, 2, "</") != 0 ||
      text.compare(end + 2, tag.size(), tag) != 0) {
    return at + 1;
  }
  out.push_back(Match{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end),
                      RedactionKind::key_value});
  return end;
}

}  // namespace sluice::detail
