#pragma once
// Decides whether a key (a field name, a word before `=` or `:`) names a
// secret, by its word parts.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::detail {

/// Matches keys against a list of sensitive terms, case-insensitively and on
/// word parts: a key is sensitive when its parts end with a term's parts (or
/// with parts that spell the term joined up: `Api-Key` for `apikey`), after
/// dropping trailing qualifiers (`hash`, `value`, `new`, all-digit parts) and
/// trailing digits of the last part; a last part that ends with a term of 5
/// letters or more (`csrftoken`) counts too. So `db_password`, `X-Api-Key`,
/// `newPassword2`, `csrftoken` and `password_hash` are sensitive;
/// `password_reset_count`, `tokens`, `discard` and `cvc_ok` are not.
///
/// Immutable after construction; is_sensitive() allocates nothing and may be
/// called from any thread.
class KeyMatcher {
 public:
  explicit KeyMatcher(const std::vector<std::string>& terms);

  bool is_sensitive(std::string_view key) const noexcept;
  /// is_sensitive for a key whose text already passed maybe_sensitive (the
  /// scanner filters first): the same answer, without filtering twice.
  bool is_sensitive_filtered(std::string_view key) const noexcept;
  /// A filter for scanners: false if the key that ends `before` (the text up
  /// to a `=` or `:`, closing quote and blanks allowed) cannot be sensitive.
  /// Looks only at the key's last part or two; rejects nearly every key.
  bool maybe_sensitive(std::string_view before) const noexcept;
  /// The first test of maybe_sensitive, inline for the scanner's loop: true
  /// if the three letters before `before`'s end (after one closing quote)
  /// are one last part's and end no string a sensitive key's last part can
  /// be (`page=`, `limit=`, `status=`). False: no decision, ask
  /// maybe_sensitive.
  bool surely_not_sensitive(std::string_view before) const noexcept {
    std::size_t end = before.size();
    if (end > 0 && (before[end - 1] == '"' || before[end - 1] == '\'')) --end;
    if (end < 3) return false;
    // Lower-case letters only (1..26, as letter_index): anything else (a
    // capital, a digit) takes the full test, which knows part boundaries.
    const std::size_t l1 = static_cast<unsigned char>(before[end - 3] - 'a' + 1);
    const std::size_t l2 = static_cast<unsigned char>(before[end - 2] - 'a' + 1);
    const std::size_t l3 = static_cast<unsigned char>(before[end - 1] - 'a' + 1);
    if (l1 - 1 > 25 || l2 - 1 > 25 || l3 - 1 > 25) return false;
    return !last3_[(l1 * 37 + l2) * 37 + l3];
  }
  /// The second inline test, for what ends in a digit (after
  /// maybe_sensitive's gap of blanks, quotes and escapes): maybe_sensitive
  /// looks past all-digit parts only through digits and key separators, so
  /// if those lead to no letter (`eta 00:14`, `10.0.3.17:8080`) there is no
  /// key, and if they lead to one, its last three letters decide as in
  /// surely_not_sensitive (`product:48213`). False: no decision.
  bool surely_not_sensitive_number(std::string_view before) const noexcept {
    std::size_t end = skip_gap(before);
    if (end == 0 || before[end - 1] < '0' || before[end - 1] > '9') return false;
    while (end > 0) {
      const char c = before[end - 1];
      if (!((c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == ':')) break;
      --end;
    }
    if (end == 0) return true;
    const char c = static_cast<char>(before[end - 1] | 0x20);
    if (c < 'a' || c > 'z') return true;
    return surely_not_sensitive(before.substr(0, end));
  }
  /// The third inline test, for a last part of two lower-case letters after
  /// a separator and a lower-case letter (`request_id`, `duration_ms`):
  /// maybe_sensitive judges it joined to the part before (`requestid`),
  /// which can be sensitive only if its last three letters end some string
  /// a sensitive key's last part can be, or if the two letters are a term
  /// themselves. False: no decision.
  bool surely_not_sensitive_short_part(std::string_view before) const noexcept {
    const std::size_t end = skip_gap(before);
    if (end < 4) return false;
    const std::size_t l0 = static_cast<unsigned char>(before[end - 4] - 'a');
    const std::size_t l1 = static_cast<unsigned char>(before[end - 2] - 'a');
    const std::size_t l2 = static_cast<unsigned char>(before[end - 1] - 'a');
    const char sep = before[end - 3];
    if (l0 > 25 || l1 > 25 || l2 > 25 || !(sep == '_' || sep == '-' || sep == '.' || sep == ':')) {
      return false;
    }
    return !two_letter_terms_[l1 * 26 + l2] && !last3_[((l0 + 1) * 37 + (l1 + 1)) * 37 + (l2 + 1)];
  }
  bool empty() const noexcept { return terms_.empty(); }

  /// Most blanks (spaces, tabs) between a key and its `=` or `:` in text:
  /// aligned columns pad keys to a width.
  static constexpr std::size_t kMaxKeyGap = 16;
  /// Longest key is_sensitive() looks at whole; a longer one is judged by
  /// its last kMaxKeyLength bytes, from the first part boundary in them.
  static constexpr std::size_t kMaxKeyLength = 96;

 private:
  struct Term {
    std::vector<std::string> parts;
    std::string joined;
  };
  std::vector<Term> terms_;
  std::vector<std::pair<std::string, std::size_t>> by_last_part_;  // sorted: part, term
  std::vector<std::string> joined_terms_;                          // sorted
  // Joined terms of kMinSuffixTerm bytes or more, which also match as the
  // end of a word (`csrftoken`).
  std::vector<std::string> long_terms_;
  static constexpr std::size_t kMinSuffixTerm = 5;

  // Filters over the key's last part that reject nearly every key before
  // it is split (is_sensitive runs at every '=' and ':' in scanned text): a
  // hashed bit per string the last part can equal (suffixes of joined
  // terms, qualifiers), and a bit per last three letters of the long terms
  // it can end with.
  static constexpr std::size_t kWordBits = std::size_t{1} << 16;
  static std::size_t word_hash(std::string_view lower_word) noexcept;
  static std::size_t tail_index(std::string_view word) noexcept;
  std::vector<bool> words_ = std::vector<bool>(kWordBits);
  std::vector<bool> tails_ = std::vector<bool>(37 * 37 * 37);
  std::vector<bool> exact_ = std::vector<bool>(kWordBits);       // hashed joined terms
  std::vector<bool> last_parts_ = std::vector<bool>(kWordBits);  // hashed terms' last parts
  std::vector<bool> last3_ = std::vector<bool>(37 * 37 * 37);
  std::vector<bool> two_letter_terms_ = std::vector<bool>(26 * 26);  // joined terms `ab`

  // maybe_sensitive's gap: what it skips between a key and its separator,
  // blanks and a closing quote (`"key"   :`, `\"key\":`).
  static std::size_t skip_gap(std::string_view before) noexcept {
    std::size_t end = before.size();
    for (std::size_t gap = 0; end > 0 && gap < kMaxKeyGap + 4; ++gap) {
      const char c = before[end - 1];
      if (c != ' ' && c != '\t' && c != '"' && c != '\'' && c != '\\') break;
      --end;
    }
    return end;
  }
};

/// Splits `key` into lower-case word parts (at any non-alphanumeric byte, at
/// a lower-to-upper change, and before the last capital of a run followed by
/// a lower-case letter: `APIKey` -> api, key). Writes the last `max` parts
/// (a key's end names the secret) into `out` as views into `buffer` (at
/// least key.size() bytes); returns the count.
std::size_t split_key(std::string_view key, char* buffer, std::string_view* out,
                      std::size_t max) noexcept;

}  // namespace sluice::detail
