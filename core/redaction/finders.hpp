#pragma once
// The built-in finders: hand-written linear scanners, one per kind of
// secret. ValueScanner calls each at the byte that can start (or, for
// e-mail and key=value, sit inside) what it looks for; each appends what it
// finds to `out` and returns where scanning goes on (always > at).

#include <cstddef>
#include <string_view>
#include <vector>

#include "match.hpp"

namespace sluice::detail {

class KeyMatcher;

/// At a digit: card numbers (13-19 digits, single spaces or dashes between
/// groups, issuer prefix, Luhn) and SSNs (123-45-6789) in the chain of
/// digit groups starting there. Returns the end of the chain.
std::size_t find_numbers(std::string_view text, std::size_t at, std::vector<Match>& out);
/// At '@': the local part of an e-mail address (the domain needs a dot and a
/// letters-only top-level label).
std::size_t find_email(std::string_view text, std::size_t at, std::vector<Match>& out);
/// At 'J': a JWT if "eyJ" ends here (three base64url segments).
std::size_t find_jwt(std::string_view text, std::size_t at, std::vector<Match>& out);
/// At 'A': an AWS access key id (AKIA, ASIA, ... and 16 [A-Z0-9]), or a
/// Google API key (AIza and 35 more).
std::size_t find_aws_key(std::string_view text, std::size_t at, std::vector<Match>& out);
/// At 'B' or 'b': the credential after "Bearer " or "Basic " (a Basic one
/// must decode to `user:password`).
std::size_t find_auth_credential(std::string_view text, std::size_t at, std::vector<Match>& out);
/// At the ':' of "://": the password of a URL's user info
/// (`postgres://app:pw@db:5432`), kind auth_credential.
std::size_t find_url_password(std::string_view text, std::size_t at, std::vector<Match>& out);
/// At '-': the body of "-----BEGIN ... PRIVATE KEY-----" up to its END line
/// (or the end of the text); else find_vendor_token.
std::size_t find_private_key(std::string_view text, std::size_t at, std::vector<Match>& out);
/// At '_' or '-': a vendor token whose prefix ends here: GitHub `ghp_`,
/// Stripe `sk_live_`, Slack `xoxb-`, GitLab `glpat-`, npm `npm_`, `sk-`.
std::size_t find_vendor_token(std::string_view text, std::size_t at, std::vector<Match>& out);
/// The first test of find_vendor_token, inline for the scanner's loop: can
/// a vendor prefix end at the '_' or '-' at `at`? Looks at the two letters
/// before it only, which rules out nearly every snake_case key and
/// `eu-west-1`, UUID or date dash, without a call.
inline bool vendor_prefix_may_end(std::string_view text, std::size_t at) noexcept {
  if (at < 2) return false;
  const char a = text[at - 2], b = text[at - 1];
  return text[at] == '_'
             ? (a == 'h' && (b == 'p' || b == 'o' || b == 'u' || b == 's' || b == 'r')) ||
                   (a == 'u' && b == 'b') || (a == 'p' && b == 'm') ||
                   ((a == 's' || a == 'r') && b == 'k')
             : a == 'x' || (a == 'a' && b == 't') || (a == 's' && b == 'k');
}
/// At '>': the text of an XML element with a sensitive name
/// (`<password>x</password>`).
std::size_t find_xml_value(std::string_view text, std::size_t at, const KeyMatcher& keys,
                           std::vector<Match>& out);
/// The last bare value (`password=x`, not quoted or bracketed) that
/// find_key_value or find_flag_value read, within one text. Scanning goes on
/// inside a value, and a key there (`password=password=...`) has a value
/// that ends where the outer one does: without this, each such key read the
/// rest of the value again, and a text of them took quadratic time.
struct BareValueMemo {
  std::size_t from = 0;       // the value was read from here
  std::size_t end = 0;        // to here (0: nothing read yet)
  std::size_t digit_end = 0;  // one past its last digit, 0 if none
};

/// The last bracketed value (`password=[...]`) whose scan read more than
/// kMaxGroupLength bytes, within one text. A key inside it (`password=[
/// password=[ ...`, or a JSON object's keys) reads its own group no further
/// than that bound: without this, each such key read the rest of the group
/// again, and a text of them took quadratic time.
struct GroupMemo {
  std::size_t from = 0;       // its opening bracket
  std::size_t end = 0;        // past its closing bracket, or the text's end (0: none yet)
  std::size_t digit_end = 0;  // one past its last digit, 0 if none
};

/// What the key-value finders remember of the values they read in one text.
struct ValueMemo {
  BareValueMemo bare;
  GroupMemo group;
};

/// At '=' or ':': the value after a sensitive key (`password=x`,
/// `"api_key": "x"`, `Authorization: Bearer x` takes only `x`). Returns
/// at + 1: the value is scanned by the other finders too.
std::size_t find_key_value(std::string_view text, std::size_t at, const KeyMatcher& keys,
                           ValueMemo& memo, std::vector<Match>& out);

/// At the first '-' of `--name value` (a command line: `--password x`, or
/// a logged argv, `"--password", "x"`): the value after a flag with a
/// sensitive name. `--name=value` is find_key_value's. Scanning goes on
/// where it was: the flag and its value are scanned by the other finders too.
void find_flag_value(std::string_view text, std::size_t at, const KeyMatcher& keys, ValueMemo& memo,
                     std::vector<Match>& out);

/// A flag's name (after the dashes) that says it is a switch about the
/// secret, not the secret: its first word negates (`--no-password`, as
/// pg_dump and psql have it, `--without-password`), asks for it
/// (`--ask-password`, `--ask-vault-password`, `--prompt-for-token`) or
/// skips it (`--skip-`, `--disable-`). The word after it is the next
/// argument, never its value. Not `--reset-`, `--new-`, `--set-`: those may
/// take the new secret (grafana-cli's `reset-admin-password <new>`).
bool switch_flag_name(std::string_view name) noexcept;

/// The key that ends just before `end` (spaces allowed between), bare
/// (`password`) or quoted (`"password"`, `\"password\"`); empty if none.
std::string_view key_before(std::string_view text, std::size_t end) noexcept;

/// The credential after an HTTP auth scheme at `at` ("Bearer x", "Basic x",
/// case-insensitive), if there is one: appends it and returns true. Shared
/// by find_auth_credential and find_key_value (`Authorization: Basic x`).
bool find_scheme_credential(std::string_view text, std::size_t at, bool require_secret_look,
                            std::vector<Match>& out, std::size_t& end);

}  // namespace sluice::detail
