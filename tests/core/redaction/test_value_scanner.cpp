// The built-in finders, through ValueScanner: what each finds, what it must
// leave alone, and how overlapping finds merge.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "redaction/key_matcher.hpp"
#include "redaction/value_scanner.hpp"
#include "sluice/redaction.hpp"

using sluice::RedactionKind;
using sluice::RedactionPolicy;
using sluice::detail::KeyMatcher;
using sluice::detail::Match;
using sluice::detail::ValueScanner;

namespace {

struct Found {
  std::string text;
  RedactionKind kind;
  bool operator==(const Found&) const = default;
};

std::vector<Found> scan(std::string_view text) {
  static const KeyMatcher keys(RedactionPolicy::default_keys());
  const ValueScanner scanner(keys);
  std::vector<Match> matches;
  scanner.scan(text, matches);
  std::vector<Found> found;
  for (const Match& m : matches) {
    found.push_back({std::string(text.substr(m.begin, m.end - m.begin)), m.kind});
  }
  return found;
}

// The one secret `text` holds, of `kind`.
void check_one(std::string_view text, std::string_view secret, RedactionKind kind) {
  INFO(text);
  const auto found = scan(text);
  REQUIRE(found.size() == 1);
  CHECK(found[0].text == secret);
  CHECK(found[0].kind == kind);
}

void check_none(std::string_view text) {
  INFO(text);
  CHECK(scan(text).empty());
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<Found> {
  static std::string convert(const Found& f) {
    return "{" + f.text + ", " + std::string(sluice::redaction_kind_name(f.kind)) + "}";
  }
};
}  // namespace Catch

TEST_CASE("scanner: card numbers, plain and grouped") {
  const auto card = RedactionKind::card;
  check_one("charging 4111111111111111 now", "4111111111111111", card);
  check_one("card 4111 1111 1111 1111.", "4111 1111 1111 1111", card);
  check_one("card 4111-1111-1111-1111, ok", "4111-1111-1111-1111", card);
  check_one("amex 3782 822463 10005 used", "3782 822463 10005", card);
  check_one("visa13 4222222222222 ok", "4222222222222", card);
  check_one("19 digits 4783 7593 5686 0431 598 end", "4783 7593 5686 0431 598", card);
  check_one("(5555555555554444)", "5555555555554444", card);
  check_one("4111111111111111", "4111111111111111", card);
  // A window inside a chain of groups: the amount is not part of the card.
  check_one("amount 25 4111 1111 1111 1111", "4111 1111 1111 1111", card);
  check_one("paid 100 4111 1111 1111 1111 EUR", "4111 1111 1111 1111", card);
}

TEST_CASE("scanner: numbers that are not cards") {
  check_none("order 4111111111111112 shipped");  // fails Luhn
  check_none("Order 1234567812345678 shipped");  // fails Luhn
  check_none("ts 1732365553467 ms");             // Luhn-valid, no issuer
  check_none("id 41111111111111111113");         // 20 digits
  check_none("x4111111111111111");               // glued to a word
  check_none("4111111111111111y");
  check_none("v1.4111111111111111");       // part of a version
  check_none("4111111111111111.5 units");  // a decimal
  check_none("call +4111111111111111");    // a phone number
  check_none("4111 11 1111 1111 1111");    // 2-digit group
  check_none("4111 1111-1111 1111");       // mixed separators
  check_none("phone 555-123-4567 updated");
  check_none("uuid 123e4567-e89b-12d3-a456-426614174000");
  check_none("2026-01-21 10:30:01 worker started pid=90225");
  check_none("dates 2026-01-21 2026-01-22 2026-01-23");
}

TEST_CASE("scanner: two cards in one text") {
  const auto found = scan("a 4111111111111111 b 5555-5555-5555-4444 c");
  REQUIRE(found.size() == 2);
  CHECK(found[0] == Found{"4111111111111111", RedactionKind::card});
  CHECK(found[1] == Found{"5555-5555-5555-4444", RedactionKind::card});
}

TEST_CASE("scanner: secrets after the first dozen groups of a chain of numbers") {
  // The scanner calls find_numbers once per chain of digit groups; a card
  // or an SSN past its 12th group (one window) must still be found, within
  // one 64-byte block of the scanner as across two.
  check_one("codes 1 2 3 4 5 6 7 8 9 10 11 12 4111 1111 1111 1111", "4111 1111 1111 1111",
            RedactionKind::card);
  check_one("1 2 3 4 5 6 7 8 9 10 4111 1111 1111 1111", "4111 1111 1111 1111", RedactionKind::card);
  check_one("1 2 3 4 5 6 7 8 9 10 11 12 13 078-05-1120", "078-05-1120", RedactionKind::ssn);
  const auto found = scan("0 0 0 0 0 0 0 0 0 0 4111 1111 1111 1111 5555 5555 5555 4444");
  REQUIRE(found.size() == 2);
  CHECK(found[0] == Found{"4111 1111 1111 1111", RedactionKind::card});
  CHECK(found[1] == Found{"5555 5555 5555 4444", RedactionKind::card});
  // Inside a dashed chain a window still starts only at a space.
  check_none("1-2-3-4-5-6-7-8-9-1-2-3-4111-1111-1111-1111");
}

TEST_CASE("scanner: SSNs") {
  check_one("SSN: 513-03-8084", "513-03-8084", RedactionKind::ssn);
  check_one("tax id=801-03-5105 mismatch", "801-03-5105", RedactionKind::ssn);
  check_none("ssn 000-12-3456 is invalid");
  check_none("ssn 666-12-3456 is invalid");
  check_none("ssn 900-12-3456 is invalid");
  check_none("ssn 123-00-3456 is invalid");
  check_none("ssn 123-45-0000 is invalid");
  check_none("part 123-45-67890");
  check_none("part 1123-45-6789");
  check_none("range 123-45-6789-1");
}

TEST_CASE("scanner: e-mail local parts, the domain kept") {
  const auto email = RedactionKind::email;
  check_one("sent to judy@example.com by admin", "judy", email);
  check_one("bounce from <frank_99@school.edu>", "frank_99", email);
  check_one("user=alice@school.edu action=login", "alice", email);
  check_one("to d.o'brien@corp.example.co.uk", "d.o'brien", email);
  check_one("'bob@x.org'", "bob", email);
  check_one("carol.smith+tag@sub.example.com.", "carol.smith+tag", email);
  check_one("josé@example.com", "josé", email);
  check_none("user@localhost");
  check_none("ip 10.0.0.1@1.2.3.4");
  check_none("@example.com");
  check_none("a @ b.com");
  check_none("handle @alice");
}

TEST_CASE("scanner: JWTs") {
  const std::string jwt =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
      "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  check_one("token " + jwt + " ok", jwt, RedactionKind::jwt);
  check_one("unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjMifQ. ok",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjMifQ.", RedactionKind::jwt);
  check_none("eyJ.short.one");
  check_none("keyJwt rotation");
  check_none("heyJude.eyJabcdefghijk.x");
}

TEST_CASE("scanner: Bearer and Basic credentials") {
  const auto auth = RedactionKind::auth_credential;
  check_one("sent Bearer FWxQNS5iKW6upDpceJTi0HZJYcRlR4mA today",
            "FWxQNS5iKW6upDpceJTi0HZJYcRlR4mA", auth);
  check_one("bearer abc123def456", "abc123def456", auth);
  check_one("Basic dXNlcjpwYXNzd29yZA== sent", "dXNlcjpwYXNzd29yZA==", auth);  // user:password
  check_none("Bearer authentication is required");
  check_none("Bearer token missing");
  check_none("Basic configuration loaded");
  check_none("Basic SGVsbG8gd29ybGQ=");  // "Hello world": no colon, not a credential
  check_none("the bearer of bad news");
}

TEST_CASE("scanner: Authorization headers keep their scheme") {
  check_one("Authorization: Bearer 5g668pRrAylHbIndWLhs4rngOFZtmjR4",
            "5g668pRrAylHbIndWLhs4rngOFZtmjR4", RedactionKind::auth_credential);
  check_one("header authorization=Bearer JlpVWWEoKAL68eg rejected", "JlpVWWEoKAL68eg",
            RedactionKind::auth_credential);
  check_one("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz", RedactionKind::auth_credential);
  check_one("Authorization: secret-api-key-123", "secret-api-key-123", RedactionKind::key_value);
  // A short bearer value after the header key still goes: the key says so.
  check_one("Authorization: Bearer abc", "abc", RedactionKind::auth_credential);
}

TEST_CASE("scanner: the password of a URL's user:password@") {
  // Connection strings: with a host of no dot (a service name, localhost,
  // host:port) nothing else here found the password.
  const auto auth = RedactionKind::auth_credential;
  check_one("db postgres://app:hunter2@postgres:5432/app up", "hunter2", auth);
  check_one("redis://:s3cr3t@localhost:6379/0", "s3cr3t", auth);  // no user name
  check_one("amqp://guest:gu%40st@10.0.0.7:5672/", "gu%40st", auth);
  check_one("\"dsn\": \"mysql://root:pa:ss@db/app\"", "pa:ss", auth);
  check_one("postgres://app:p@ss@db/x?u=a@b", "p@ss", auth);  // to the last '@' before '/'
  // Not the e-mail finder's either: one find, of this kind.
  check_one("https://bob:hunter2@example.com/x", "hunter2", auth);
  check_none("https://example.com/a:b@c");            // a path, not user info
  check_none("https://bob@db:5432/");                 // a user name only
  check_none("ftp://bob:@example.com/");              // an empty password
  check_none("see http://host:8080/x and mail a@b");  // the port of a host
  check_none("std::vector<int> and ::1");
}

TEST_CASE("scanner: AWS access key ids") {
  check_one("AWS_ACCESS_KEY_ID=AKIAMRNXJ2BIY17WWW3K", "AKIAMRNXJ2BIY17WWW3K",
            RedactionKind::aws_key);
  check_one("temp ASIAY34FZKBOKMUTVV7A issued", "ASIAY34FZKBOKMUTVV7A", RedactionKind::aws_key);
  check_none("AKIAMRNXJ2BIY17WWW3");    // 19
  check_none("AKIAMRNXJ2BIY17WWW3KX");  // 21
  check_none("XAKIAMRNXJ2BIY17WWW3K");
  check_none("AKIAmrnxj2biy17www3k");  // lower case
  check_none("ABCDEFGHIJKLMNOPQRST");
}

TEST_CASE("scanner: PEM private keys") {
  const std::string body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7";
  check_one("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----",
            "\n" + body + "\n", RedactionKind::private_key);
  check_one("k -----BEGIN RSA PRIVATE KEY-----abc+/=-----END RSA PRIVATE KEY----- ok",
            "abc+/=", RedactionKind::private_key);
  // Cut off: everything after the header goes.
  check_one("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA",
            "\nb3BlbnNzaC1rZXktdjEAAAAA", RedactionKind::private_key);
  check_none("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
  check_none("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----");
  check_none("------------------------------");
}

TEST_CASE("scanner: key=value pairs with a sensitive key") {
  const auto kv = RedactionKind::key_value;
  check_one("login attempt password=FR4MuO# user=42", "FR4MuO#", kv);
  check_one("body: username=a&password=Wyk2UusBWZC%&remember=1", "Wyk2UusBWZC%", kv);
  check_one("db config: passwd: wR2yJHfJ6RcIL!", "wR2yJHfJ6RcIL!", kv);
  check_one("{\"username\": \"u1\", \"password\": \"R6TS yuL4uR\"}", "R6TS yuL4uR", kv);
  check_one("{\"password\":\"a\\\"b\"}", "a\\\"b", kv);  // escaped quote inside
  check_one("client_secret=\"sJHZkIVXXzW8Lce5nEtrBRIS\"", "sJHZkIVXXzW8Lce5nEtrBRIS", kv);
  check_one("X-Api-Key: fa0fgAjBLPwgku8ZizgmcM", "fa0fgAjBLPwgku8ZizgmcM", kv);
  check_one("refresh token=UZXDwi3murIFBw rotated", "UZXDwi3murIFBw", kv);
  check_one("pwd = hunter2 ok", "hunter2", kv);
  check_one("{'secret': 'abc'}", "abc", kv);
  check_one("{\"pin\": 1234}", "1234", kv);
  check_one("GET /cb?code=1&access_token=abc.def&x=1", "abc.def", kv);
  // Escaped JSON inside a JSON string (a logged request body).
  check_one("{\"message\":\"body {\\\"password\\\":\\\"s3cr3t\\\"}\"}", "s3cr3t", kv);
}

TEST_CASE("scanner: key-value pairs in aligned columns, tabs or several spaces") {
  const auto kv = RedactionKind::key_value;
  check_one("user:        bob\npassword:    hunter2\n", "hunter2", kv);
  check_one("password:\thunter2", "hunter2", kv);
  check_one("pin:\t\t1234 retries: 3", "1234", kv);
  check_one("{\"password\":\t\"hunter 2\"}", "hunter 2", kv);
}

TEST_CASE("scanner: key=value pairs left alone") {
  check_none("password reset requested");
  check_none("Permission denied: Manager attempted direct password change");
  check_none("token bucket refilled: 40 tokens");
  check_none("password_reset_count=3 max_tokens=100");
  check_none("password: null, token: ***, secret=[REDACTED]");
  check_none("password=");
  check_none("see https://example.com/reset");
  check_none("std::password::reset");
  check_none("Request completed status_code=200 duration_ms=245");
  check_none("{\"cvc_ok\": true, \"card_last4\": \"1111\"}");
}

TEST_CASE("scanner: overlapping finds merge into one") {
  // The key says key_value, the value is a card: one card, whole.
  CHECK(scan("card=5198 7425 8953 6703 amount=25.00") ==
        std::vector<Found>{{"5198 7425 8953 6703", RedactionKind::card}});
  // Same span from two finders: the specific one names it.
  const std::string jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig";
  CHECK(scan("cookie session=" + jwt + "; Path=/") ==
        std::vector<Found>{{jwt, RedactionKind::jwt}});
  // A sensitive value holding an e-mail: the longer key_value wins.
  CHECK(scan("password=\"x bob@example.com\"") ==
        std::vector<Found>{{"x bob@example.com", RedactionKind::key_value}});
  // Adjacent but separate finds stay separate.
  CHECK(scan("a@example.com b@example.com").size() == 2);
}

TEST_CASE("scanner: UTF-8 around and inside matches") {
  CHECK(scan("Ünïcødé 4111 1111 1111 1111 ✓") ==
        std::vector<Found>{{"4111 1111 1111 1111", RedactionKind::card}});
  CHECK(scan("mot de passe: password=pässwörd✓ fin") ==
        std::vector<Found>{{"pässwörd✓", RedactionKind::key_value}});
  CHECK(scan("écrire à zoë@exemple.fr — merci") ==
        std::vector<Found>{{"zoë", RedactionKind::email}});
  CHECK(scan("日本語のテキスト、秘密はない").empty());
}

TEST_CASE("scanner: clean texts stay clean") {
  for (const char* text :
       {"memory 68.4% cpu 15.2%", "build 20261122.4 id 4111111111111112",
        "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 deployed", "listening on 0.0.0.0:8000",
        "version 2.13.10 loaded", "invoice total 1234.56 due 2026-02-01",
        "user_id=123 role=teacher school_id=45", "Processing 16 notifications",
        "retry 3 of 5 in 8s", "Failed login attempt attempt_count=3", "", "A", "-", "@", ":", "eyJ",
        "Bearer", "-----BEGIN "}) {
    check_none(text);
  }
}

TEST_CASE("scanner: vendor tokens by prefix") {
  const auto vendor = RedactionKind::vendor_token;
  check_one("push with ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 failed",
            "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", vendor);
  check_one("github_pat_11ABCDEFG0abcdefghijklmnopqrstuvwxyz012345",
            "github_pat_11ABCDEFG0abcdefghijklmnopqrstuvwxyz012345", vendor);
  check_one("stripe sk_live_51H8abcdEFGH1234ijkl used", "sk_live_51H8abcdEFGH1234ijkl", vendor);
  check_one("stripe sk_test_51H8abcdEFGH1234ijkl used", "sk_test_51H8abcdEFGH1234ijkl", vendor);
  check_one("slack xoxb-123456789012-abcdefABCDEF posted", "xoxb-123456789012-abcdefABCDEF",
            vendor);
  check_one("gitlab glpat-Ab12Cd34Ef56Gh78Ij90 ok", "glpat-Ab12Cd34Ef56Gh78Ij90", vendor);
  check_one("maps AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q ok",
            "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", vendor);
  check_none("ghp_short1");
  check_none("sk_live_ is the prefix");
  check_none("my_ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8x");
  check_none("xoxb-");
  check_none("task-runner sk-learn done");
}

TEST_CASE("scanner: XML elements with a sensitive name") {
  check_one("<user><name>bob</name><password>hunter2</password></user>", "hunter2",
            RedactionKind::key_value);
  check_one("<ns:apiKey>abc123</ns:apiKey>", "abc123", RedactionKind::key_value);
  check_none("<password></password>");
  check_none("<passwordHint>colour</passwordHint2>");
  check_none("a > b and c > d");
}

TEST_CASE("scanner: more auth schemes after a sensitive key") {
  check_one("Authorization: Token abc123", "abc123", RedactionKind::auth_credential);
  check_one("authorization=\"Negotiate YIIGhgYJKoZIhvcS\"", "YIIGhgYJKoZIhvcS",
            RedactionKind::auth_credential);
  check_none("Token abc123 issued");  // in free text, "Token" is a word
}

TEST_CASE("scanner: test numbers of every network") {
  for (const char* card :
       {"4012 8888 8888 1881", "4000056655665556", "3714 496353 98431", "5105-1051-0510-5100",
        "3056 9309 0259 04", "6011 0009 9013 9424", "3530111333300000", "2223003122003222",
        "6200000000000005", "4783759356860431598"}) {
    check_one(std::string("paid with ") + card + " today", card, RedactionKind::card);
  }
  // 4-4-4-4-2 is not a Diners layout: the card is the first 16.
  check_one("card 4111 1111 1111 1111 25", "4111 1111 1111 1111", RedactionKind::card);
}

TEST_CASE("scanner: numeric keys want digits, and keep them across spaces") {
  check_none("card: declined by issuer");
  check_none("pin: required");
  check_one("SSN: 123 45 6789 on file", "123 45 6789", RedactionKind::key_value);
  check_one("card: 4111 1111 1111 1112 expired", "4111 1111 1111 1112", RedactionKind::key_value);
  check_one("pin=0042 attempts=3", "0042", RedactionKind::key_value);
  check_one("password: declined", "declined", RedactionKind::key_value);  // any value
}
