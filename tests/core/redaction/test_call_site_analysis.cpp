#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "redaction/call_site_analysis.hpp"
#include "redaction/key_matcher.hpp"
#include "sluice/redaction.hpp"

using sluice::detail::keyed_placeholders;
using sluice::detail::keyed_value_is_secret;
using sluice::detail::KeyedPlaceholder;
using sluice::detail::sensitive_placeholders;

namespace {
const sluice::detail::KeyMatcher& default_keys() {
  static const sluice::detail::KeyMatcher keys(sluice::RedactionPolicy::default_keys());
  return keys;
}
std::vector<bool> analyse(std::string_view format) {
  return sensitive_placeholders(format, default_keys());
}
using V = std::vector<bool>;
}  // namespace

TEST_CASE("call-site analysis: key and separator before a placeholder") {
  CHECK(analyse("password={}") == V{true});
  CHECK(analyse("login user={} password={}") == V{false, true});
  CHECK(analyse("token: {}") == V{true});
  CHECK(analyse("token:{}") == V{true});
  CHECK(analyse("pwd = {} ok") == V{true});
  CHECK(analyse("db_password={} host={}") == V{true, false});
  CHECK(analyse("X-Api-Key: {}") == V{true});
  CHECK(analyse("apiKey={}") == V{true});
  CHECK(analyse("password := {}") == V{true});  // Go
  CHECK(analyse("password:={}") == V{true});
  CHECK(analyse("rule ::= {}") == V{false});
  CHECK(analyse("{{\"password\" => \"{}\"}}") == V{true});  // Ruby
  CHECK(analyse("{{:token=>{}}}") == V{true});
  CHECK(analyse("a <=> {}") == V{false});
}

TEST_CASE("call-site analysis: quoted keys and values") {
  CHECK(analyse("{{\"api_key\": \"{}\"}}") == V{true});
  CHECK(analyse("{{\"user\": \"{}\", \"password\": \"{}\"}}") == V{false, true});
  CHECK(analyse("{{'secret': '{}'}}") == V{true});
  CHECK(analyse("password=\"{}\"") == V{true});
  CHECK(analyse("{{\\\"token\\\":\\\"{}\\\"}}") == V{true});     // escaped JSON
  CHECK(analyse(R"({{\\\"token\\\":\\\"{}\\\"}})") == V{true});  // escaped twice
  CHECK(analyse(R"({{\\\"n\\\":\\\"{}\\\"}})") == V{false});
}

TEST_CASE("call-site analysis: schemes, XML, format specs, indexes") {
  CHECK(analyse("Authorization: Bearer {}") == V{true});
  CHECK(analyse("authorization=Basic {}") == V{true});
  CHECK(analyse("<password>{}</password>") == V{true});
  CHECK(analyse("<user>{}</user>") == V{false});
  CHECK(analyse("password={:>12}") == V{true});
  CHECK(analyse("card={:*^{}} user={}") == V{true, false, false});  // dynamic width
  CHECK(analyse("user={1} password={0}") == V{true, false});
  CHECK(analyse("{} then password={0}") == V{true});
}

TEST_CASE("call-site analysis: an auth scheme alone before a placeholder") {
  // The format says what the argument is: the credential, however it looks.
  CHECK(analyse("calling upstream with Bearer {}") == V{true});
  CHECK(analyse("Bearer {}") == V{true});
  CHECK(analyse("header \"bearer {}\"") == V{true});
  CHECK(analyse("proxy sent Basic {} for {}") == V{true, false});
  CHECK(analyse("X-Request-Id: Bearer {:.8}") == V{true});
  // The scheme must be a word of its own, one or more blanks before the field.
  CHECK(analyse("xBearer {}") == V{false});
  CHECK(analyse("Bearer{}") == V{false});
  CHECK(analyse("Bearer: {}") == V{false});
  CHECK(analyse("Bearer token {}") == V{false});
  // Only the two schemes free text knows; `Token` needs a sensitive key.
  CHECK(analyse("Token {} expired") == V{false});
}

TEST_CASE("call-site analysis: basic or bearer in prose is not a scheme") {
  // Lower case, in the middle of a sentence: an adjective (these read
  // {true}, and `running basic [REDACTED] checks` came out).
  CHECK(analyse("running basic {} checks") == V{false});
  CHECK(analyse("a basic {} test") == V{false});
  CHECK(analyse("the bearer {} of the note") == V{false});
  CHECK(analyse("{} basic {} checks") == V{false, false});
  // A scheme where a header's value starts, lower case or not: at the
  // start of the format, after a `:` or `=`, or a quote.
  CHECK(analyse("basic {}") == V{true});
  CHECK(analyse("  bearer {}") == V{true});
  CHECK(analyse("Authorization: basic {}") == V{true});
  CHECK(analyse("X-Upstream-Auth: bearer {}") == V{true});
  CHECK(analyse("auth=bearer {}") == V{true});
  CHECK(analyse("curl -H 'authorization: bearer {}'") == V{true});
  CHECK(analyse("headers={{\"X-Auth\": \"basic {}\"}}") == V{true});
  CHECK(analyse("sent \"bearer {}\"") == V{true});
  CHECK(analyse("{}: basic {}") == V{false, true});
  // Written as the scheme is (capital first), anywhere.
  CHECK(analyse("running Basic {} checks") == V{true});
  CHECK(analyse("retry with BEARER {}") == V{true});
}

TEST_CASE("call-site analysis: a command line's --flag before a placeholder") {
  CHECK(analyse("exec app --password {}") == V{true});
  CHECK(analyse("--db-password {} --user {}") == V{true, false});
  CHECK(analyse("a--password {}") == V{false});
  CHECK(analyse("--password-file {}") == V{false});
  CHECK(analyse("--password{}") == V{false});
  CHECK(analyse("-p {}") == V{false});
  // A `--no-` flag is a switch: the placeholder after it is another argument.
  CHECK(analyse("pg_dump --no-password {}") == V{false});
  CHECK(analyse("--No-Token {}") == V{false});
  CHECK(analyse("--notary-token {}") == V{true});
  // So are flags that ask for the secret or do without it.
  CHECK(analyse("--ask-password {}") == V{false});
  CHECK(analyse("--without-password {}") == V{false});
  CHECK(analyse("'--prompt-for-token' '{}'") == V{false});
  CHECK(analyse("--reset-password {}") == V{true});
}

TEST_CASE("call-site analysis: a quoted --flag before a placeholder") {
  // Shell-quoted or listed words, as a logged command line has them.
  CHECK(analyse("exec app '--password' '{}'") == V{true});
  CHECK(analyse("exec app \"--password\" \"{}\"") == V{true});
  CHECK(analyse("exec app '--password' {}") == V{true});
  CHECK(analyse("args=[\"--api-key\", \"{}\"]") == V{true});
  CHECK(analyse("args=['--api-key','{}']") == V{true});
  CHECK(analyse("args=[\"--api-key\" \"{}\"]") == V{true});  // Go's %q
  CHECK(analyse("sh -c \"--password {}\"") == V{true});
  // Not a sensitive flag, a switch, quotes that do not pair, no blank.
  CHECK(analyse("exec app '--password-file' '{}'") == V{false});
  CHECK(analyse("exec pg_dump '--no-password' '{}'") == V{false});
  CHECK(analyse("exec app '--password\" '{}'") == V{false});
  CHECK(analyse("exec app '--password'{}") == V{false});
  // A quote glued to a word (`x'--password'`) does not start a flag.
  CHECK(analyse("exec x'--password' '{}'") == V{false});
  CHECK(analyse("exec x\"--password {}\"") == V{false});
  CHECK(analyse("args=[\"--api-key\", \"{}\"] x='--password' '{}'") == V{true, true});
}

TEST_CASE("call-site analysis: nothing sensitive") {
  CHECK(analyse("") == V{});
  CHECK(analyse("no placeholders, password=hunter2") == V{});
  CHECK(analyse("password reset for {}") == V{false});
  CHECK(analyse("tokens: {}") == V{false});
  CHECK(analyse("user={} took {} ms") == V{false, false});
  CHECK(analyse("{{password}}={}") == V{false});  // `}=`: no key before
  CHECK(analyse("a == {}") == V{false});
  CHECK(analyse("std::{}") == V{false});
  CHECK(analyse("password={{}}") == V{});  // an escaped brace, no placeholder
  CHECK(analyse("unterminated password={") == V{true});
}

namespace {
// Each keyed placeholder as "key>value|key literal|between".
std::vector<std::string> keyed(std::string_view format) {
  std::vector<std::string> out;
  for (const KeyedPlaceholder& k : keyed_placeholders(format)) {
    out.push_back(std::to_string(k.key) + ">" + std::to_string(k.value) + "|" + k.key_literal +
                  "|" + k.between);
  }
  return out;
}
using S = std::vector<std::string>;
}  // namespace

TEST_CASE("call-site analysis: a value whose key is the argument before it") {
  CHECK(keyed("{}={}") == S{"0>1||="});
  CHECK(keyed("login {}: {} ok") == S{"0>1|login |: "});
  CHECK(keyed("{{\"{}\": \"{}\"}}") == S{"0>1|{\"|\": \""});
  CHECK(keyed("{}{}") == S{"0>1||"});
  CHECK(keyed("{1}={0}") == S{"1>0||="});
  CHECK(keyed("{}={} {}={}") == S{"0>1||=", "1>2|=| ", "2>3| |="});
  CHECK(keyed("{:>{}}={}") == S{"0>2||="});  // the width is not shown
  CHECK(keyed("{} password {}") == S{});     // a word between ends the key
  // ... but for an auth scheme: the key is still the argument before it.
  CHECK(keyed("{}: Bearer {}") == S{"0>1||: Bearer "});
  CHECK(keyed("{{\"{}\": \"Basic {}\"}}") == S{"0>1|{\"|\": \"Basic "});
  CHECK(keyed("{}: xBearer {}") == S{});
  CHECK(keyed("{}: Bearer and {}") == S{});
  CHECK(keyed("{0}={0}") == S{});
  CHECK(keyed("password={}") == S{});
}

TEST_CASE("call-site analysis: the per-record test of a key argument") {
  std::string scratch;
  const KeyedPlaceholder quoted = keyed_placeholders("{{\"{}\": \"{}\"}}").at(0);
  CHECK(keyed_value_is_secret(quoted, "password", default_keys(), scratch));
  CHECK_FALSE(keyed_value_is_secret(quoted, "user", default_keys(), scratch));
  const KeyedPlaceholder scheme = keyed_placeholders("{}: Token {}").at(0);
  CHECK(keyed_value_is_secret(scheme, "Authorization", default_keys(), scratch));
  CHECK_FALSE(keyed_value_is_secret(scheme, "X-Request-Id", default_keys(), scratch));
  const KeyedPlaceholder joined = keyed_placeholders("{}{}").at(0);
  CHECK(keyed_value_is_secret(joined, "token=", default_keys(), scratch));
  CHECK_FALSE(keyed_value_is_secret(joined, "token", default_keys(), scratch));
  // A long argument: only its end is looked at, and its end is the key.
  CHECK(keyed_value_is_secret(joined, std::string(1000, 'x') + " api_key: ", default_keys(),
                              scratch));
  CHECK_FALSE(keyed_value_is_secret(joined, std::string(1000, 'x') + "=", default_keys(), scratch));
}
