// Redaction through the backend: what every sink receives, the binary log
// included, for each of the three finders; statistics; configuration.
// ctest runs each case in its own process (fresh global state).

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/log.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sinks/binary_file_sink.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "binlog_decode.hpp"
#include "capture_fixture.hpp"
#include "temp_dir.hpp"

namespace {

struct Badge {
  int number;
};

using sluice::kv;
using sluice::RedactionKind;
using sluice::testing::CaptureFixture;

// Stats are cumulative over the process, and this binary's cases run one
// after another in it: each case counts from a baseline of its own.
class RedactionCounter {
 public:
  RedactionCounter() : before_(sluice::stats()) {}
  std::uint64_t operator()(RedactionKind kind) const {
    const auto k = static_cast<std::size_t>(kind);
    return sluice::stats().redactions[k] - before_.redactions[k];
  }
  std::uint64_t records() const {
    return sluice::stats().records_redacted - before_.records_redacted;
  }

 private:
  sluice::Stats before_;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A binary log and a live JSON capture (and `extra`, if given) on the root
// logger, the backend started. stop() stops it and reads the binary log.
class BinaryLogFixture {
 public:
  explicit BinaryLogFixture(std::shared_ptr<sluice::Sink> extra = nullptr) {
    sluice::root_logger().add_sink(std::make_shared<sluice::BinaryFileSink>(path_));
    sluice::root_logger().add_sink(live);
    if (extra) sluice::root_logger().add_sink(std::move(extra));
    sluice::start();
  }
  /// The binary log's bytes, once every record is written and the sinks
  /// are let go.
  std::string stop() {
    sluice::flush();
    sluice::stop();
    sluice::root_logger().clear_sinks();
    return read_file(path_);
  }

  const std::shared_ptr<sluice::CaptureSink> live =
      std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());

 private:
  sluice::testing::TempDir dir_{"sluice-redaction"};
  std::filesystem::path path_ = dir_ / "app.slog";
};

}  // namespace

// A custom type whose text holds a secret: scanned after formatting.
template <>
struct fmt::formatter<Badge> : fmt::formatter<std::string_view> {
  auto format(const Badge& b, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "badge of jane.doe@example.com #{}", b.number);
  }
};
template <>
struct sluice::copy_loggable<Badge> : std::true_type {};

TEST_CASE("record redaction: string arguments are scanned by value") {
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "charging {} for {}", std::string("4111 1111 1111 1111"), "bob@example.com");
  SLUICE_INFO(log, "clean {} {}", std::string("order 1234 shipped"), 42);
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].message == "charging [REDACTED] for ***@example.com");
  CHECK(records[1].message == "clean order 1234 shipped 42");
  CHECK(redactions(RedactionKind::card) == 1);
  CHECK(redactions(RedactionKind::email) == 1);
  CHECK(redactions.records() == 1);
}

TEST_CASE("record redaction: fields by key and by value") {
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "login", kv<"user">("bob"), kv<"db_password">("hunter2"), kv<"pin">(1234),
              kv<"note">("token=abc123"), kv<"attempt">(3));
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[0].fields == Fields{{"user", "bob"},
                                    {"db_password", "[REDACTED]"},
                                    {"pin", "[REDACTED]"},
                                    {"note", "token=[REDACTED]"},
                                    {"attempt", "3"}});
  CHECK(redactions(RedactionKind::field) == 2);
  CHECK(redactions(RedactionKind::key_value) == 1);
}

TEST_CASE("record redaction: arguments marked by the call site") {
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  // "hunter2" looks like nothing; its position says it is a password.
  SLUICE_INFO(log, "login user={} password={}", "bob", "hunter2");
  SLUICE_INFO(log, "{{\"api_key\": \"{}\", \"n\": {}}}", "k", 5);
  // A secret integer becomes text; its neighbours keep their format.
  SLUICE_INFO(log, "pin={:06d} attempts={:03d}", 1234, 7);
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 3);
  CHECK(records[0].message == "login user=bob password=[REDACTED]");
  CHECK(records[1].message == "{\"api_key\": \"[REDACTED]\", \"n\": 5}");
  CHECK(records[2].message == "pin=[REDACTED] attempts=007");
  CHECK(redactions(RedactionKind::argument) == 3);
}

TEST_CASE("record redaction: integers that are card numbers") {
  CaptureFixture fx;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "card {:>20} order {}", std::uint64_t{4111111111111111}, 77);
  SLUICE_INFO(log, "order {} total {}", std::uint64_t{4111111111111112}, 77);  // fails Luhn
  SLUICE_INFO(log, "ts {}", std::int64_t{1732365553467});  // Luhn-valid, no issuer
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 3);
  CHECK(records[0].message == "card [REDACTED] order 77");
  CHECK(records[1].message == "order 4111111111111112 total 77");
  CHECK(records[2].message == "ts 1732365553467");
}

TEST_CASE("record redaction: a card in any 64-bit integer of a site with one to five of them") {
  // Sites with up to two such integers, up to four, and more take three
  // different paths; each site's records after its first take the inline
  // one, so every site logs a clean record, then cards, then clean again.
  CaptureFixture fx;
  auto& log = sluice::get_logger("app");
  const std::uint64_t card = 4111111111111111;
  std::vector<std::string> expected;
  for (int round = 0; round < 3; ++round) {
    const std::uint64_t x = round == 1 ? card : 12345;
    const std::string shown = round == 1 ? "[REDACTED]" : "12345";
    SLUICE_INFO(log, "one {}", x);
    expected.push_back("one " + shown);
    SLUICE_INFO(log, "two {} {}", std::uint64_t{7}, x);
    expected.push_back("two 7 " + shown);
    SLUICE_INFO(log, "two {} {}", x, std::int64_t{-5});
    expected.push_back("two " + shown + " -5");
    SLUICE_INFO(log, "three {} {} {}", 1.5, std::int64_t{8}, x);
    expected.push_back("three 1.5 8 " + shown);
    SLUICE_INFO(log, "four {} {} {} {}", x, std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3});
    expected.push_back("four " + shown + " 1 2 3");
    SLUICE_INFO(log, "five {} {} {} {} {}", std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3},
                std::uint64_t{4}, x);
    expected.push_back("five 1 2 3 4 " + shown);
  }
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == expected.size());
  for (std::size_t k = 0; k < records.size(); ++k) CHECK(records[k].message == expected[k]);
}

TEST_CASE("record redaction: custom types are scanned as text") {
  CaptureFixture fx;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "scanned {}", Badge{7});
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == "scanned badge of ***@example.com #7");
}

TEST_CASE("record redaction: styles and annotation from Options") {
  sluice::Options options;
  options.redaction.set_style(RedactionKind::card, sluice::RedactionStyle::mask);
  options.redaction.annotate = true;
  auto json = std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());
  sluice::root_logger().add_sink(json);
  sluice::start(options);
  SLUICE_INFO(sluice::get_logger("app"), "card {}", "4111-1111-1111-1111");
  SLUICE_INFO(sluice::get_logger("app"), "clean {}", "text");
  sluice::flush();
  sluice::stop();
  sluice::root_logger().clear_sinks();
  const auto lines = json->lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find("\"message\":\"card ****-****-****-1111\"") != std::string::npos);
  CHECK(lines[0].ends_with(",\"redacted\":[\"card\"]}"));
  CHECK(lines[1].find("redacted") == std::string::npos);
}

TEST_CASE("record redaction: off leaves records alone") {
  sluice::Options options;
  options.redaction.enabled = false;
  CaptureFixture fx(options);
  const RedactionCounter redactions;
  SLUICE_INFO(sluice::get_logger("app"), "password={} card {}", "hunter2", "4111111111111111");
  sluice::flush();
  REQUIRE(fx.capture->size() == 1);
  CHECK(fx.capture->records()[0].message == "password=hunter2 card 4111111111111111");
  CHECK(redactions.records() == 0);
}

TEST_CASE("record redaction: user patterns, and a bad one stops start()") {
  sluice::Options options;
  options.redaction.patterns = {"EMP-[0-9]{5}"};
  {
    CaptureFixture fx(options);
    SLUICE_INFO(sluice::get_logger("app"), "employee {}", "EMP-12345 in");
    sluice::flush();
    REQUIRE(fx.capture->size() == 1);
    CHECK(fx.capture->records()[0].message == "employee [REDACTED] in");
  }
  options.redaction.patterns = {"(EMP"};
  CHECK_THROWS_AS(sluice::start(options), sluice::Error);
  CHECK_FALSE(sluice::running());
  options.redaction.patterns.clear();
  options.redaction.set_style(RedactionKind::email, sluice::RedactionStyle::hmac);
  CHECK_THROWS_AS(sluice::start(options), sluice::Error);  // no hmac_key
}

TEST_CASE("record redaction: the binary log holds no secret and decodes redacted") {
  BinaryLogFixture fx;
  auto& log = sluice::get_logger("app");
  for (int i = 0; i < 3; ++i) {
    SLUICE_INFO(log, "login {} password={} pin={}", "bob@example.com", "hunter2-secret", 987654);
    SLUICE_INFO(log, "paid with {}", std::uint64_t{5555555555554444},
                kv<"api_key">("AKIAMRNXJ2BIY17WWW3K"));
    SLUICE_INFO(log, "plain {}", i);
  }
  const std::string bytes = fx.stop();
  REQUIRE(!bytes.empty());
  for (const char* secret : {"hunter2-secret", "bob@", "AKIAMRNXJ2BIY17WWW3K"}) {
    INFO(secret);
    CHECK(bytes.find(secret) == std::string::npos);
  }
  // The integers are not in the file either, in any byte order.
  const std::uint64_t card = 5555555555554444;
  CHECK(bytes.find(std::string(reinterpret_cast<const char*>(&card), 8)) == std::string::npos);
  const std::int32_t pin = 987654;
  CHECK(bytes.find(std::string(reinterpret_cast<const char*>(&pin), 4)) == std::string::npos);

  // Decoded, it is the live JSON, byte for byte.
  std::vector<std::string> warnings;
  const std::vector<std::string> decoded = sluice::testing::decode_to_json_lines(bytes, warnings);
  CHECK(warnings.empty());
  CHECK(decoded == fx.live->lines());
  REQUIRE(decoded.size() == 9);
  CHECK(
      decoded[0].find("\"message\":\"login ***@example.com password=[REDACTED] pin=[REDACTED]\"") !=
      std::string::npos);
  CHECK(decoded[1].find("\"message\":\"paid with [REDACTED]\"") != std::string::npos);
  CHECK(decoded[1].find("\"api_key\":\"[REDACTED]\"") != std::string::npos);
}

TEST_CASE("record redaction: a card after a dozen short numbers in one string") {
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "codes {}", std::string("1 2 3 4 5 6 7 8 9 10 11 12 4111 1111 1111 1111"));
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == "codes 1 2 3 4 5 6 7 8 9 10 11 12 [REDACTED]");
  CHECK(redactions(RedactionKind::card) == 1);
}

TEST_CASE("record redaction: keys with a qualifier that holds digits (b64, base64)") {
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "keys", kv<"password_base64">("aHVudGVyMg=="), kv<"token_b64">("dG9rZW4x"));
  SLUICE_INFO(log, "header {}", std::string("client_secret_b64=c2VjcmV0 apiKeyBase64: a2V5MQ"));
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 2);
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[0].fields ==
        Fields{{"password_base64", "[REDACTED]"}, {"token_b64", "[REDACTED]"}});
  CHECK(records[1].message == "header client_secret_b64=[REDACTED] apiKeyBase64: [REDACTED]");
  CHECK(redactions(RedactionKind::field) == 2);
  CHECK(redactions(RedactionKind::key_value) == 2);
}

TEST_CASE("record redaction: keys of more than 16 word parts") {
  // Only a key's first 16 parts were looked at, and the secret's name is at
  // its end.
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "cfg", kv<"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.password">("hunter2"));
  SLUICE_INFO(log, "cfg {}", std::string("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.password=hunter2"));
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 2);
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[0].fields == Fields{{"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.password", "[REDACTED]"}});
  CHECK(records[1].message == "cfg a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.password=[REDACTED]");
  CHECK(redactions(RedactionKind::field) == 1);
  CHECK(redactions(RedactionKind::key_value) == 1);
}

// 103 bytes: longer than the 96 that the key test looks at.
constexpr const char kLongKey[] =
    "service.app.config.database.primary.connection.pool.settings.credentials.administrator.user."
    "password";

TEST_CASE("record redaction: keys longer than 96 bytes, judged by their end") {
  // A key longer than the key test's limit was never sensitive, although
  // its last part names the secret.
  static_assert(sizeof kLongKey - 1 > 96);
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "cfg", kv<kLongKey>("hunter2"));
  SLUICE_INFO(log, "cfg {}", std::string(kLongKey) + "=hunter2");
  SLUICE_INFO(log, "cfg {}", "{\"" + std::string(kLongKey) + "\": \"hunter2\"}");
  SLUICE_INFO(log,
              "service.app.config.database.primary.connection.pool.settings.credentials."
              "administrator.user.password={}",
              "hunter2");
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 4);
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[0].fields == Fields{{kLongKey, "[REDACTED]"}});
  CHECK(records[1].message == "cfg " + std::string(kLongKey) + "=[REDACTED]");
  CHECK(records[2].message == "cfg {\"" + std::string(kLongKey) + "\": \"[REDACTED]\"}");
  CHECK(records[3].message == std::string(kLongKey) + "=[REDACTED]");
  CHECK(redactions(RedactionKind::field) == 1);
  CHECK(redactions(RedactionKind::key_value) == 2);
  CHECK(redactions(RedactionKind::argument) == 1);
}

TEST_CASE("record redaction: keys padded to a column before their separator") {
  // Aligned columns pad the key side as often as the value side; more than
  // three spaces, or a tab, before the `=` or `:` hid the key.
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "config:\n{}",
              std::string("user            = bob\n"
                          "password        = hunter2\n"
                          "client_secret   = s3cr3t\n"));
  SLUICE_INFO(log, "{}", std::string("db_password\t: hunter2"));
  SLUICE_INFO(log, "{}", std::string("{\"password\"     : \"hunter2\"}"));
  SLUICE_INFO(log, "api_key         = {}", "k3y");                            // by call site
  SLUICE_INFO(log, "{}", std::string("password                 = hunter2"));  // 17 blanks: no key
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 5);
  CHECK(records[0].message ==
        "config:\n"
        "user            = bob\n"
        "password        = [REDACTED]\n"
        "client_secret   = [REDACTED]\n");
  CHECK(records[1].message == "db_password\t: [REDACTED]");
  CHECK(records[2].message == "{\"password\"     : \"[REDACTED]\"}");
  CHECK(records[3].message == "api_key         = [REDACTED]");
  CHECK(records[4].message == "password                 = hunter2");
  CHECK(redactions(RedactionKind::key_value) == 4);
  CHECK(redactions(RedactionKind::argument) == 1);
}

TEST_CASE("record redaction: the password of a connection string's URL") {
  // "db" has no dot: not an e-mail domain, and no key names the password.
  sluice::testing::TempDir dir("sluice-redaction");
  const auto path = dir / "app.slog";
  sluice::root_logger().add_sink(std::make_shared<sluice::BinaryFileSink>(path));
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "connecting to {}", std::string("postgres://app:hunter2@db:5432/orders"));
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == "connecting to postgres://app:[REDACTED]@db:5432/orders");
  CHECK(redactions(RedactionKind::auth_credential) == 1);
  sluice::stop();
  CHECK(read_file(path).find("hunter2") == std::string::npos);
}

namespace {
// A custom type whose formatter throws, quoting a secret in its message.
struct Account {
  int id;
};
}  // namespace

template <>
struct fmt::formatter<Account> : fmt::formatter<std::string_view> {
  auto format(const Account& a, fmt::format_context& ctx) const -> decltype(ctx.out()) {
    if (a.id < 0) throw std::runtime_error("no account for password=hunter2");
    return fmt::format_to(ctx.out(), "account {}", a.id);
  }
};
template <>
struct sluice::copy_loggable<Account> : std::true_type {};

TEST_CASE("record redaction: a custom formatter that throws, its text quoting a secret") {
  // The redactor formats custom values on the backend: the exception must
  // not end the process, and its text reaches the sinks redacted.
  sluice::testing::TempDir dir("sluice-redaction");
  const auto path = dir / "app.slog";
  auto binary = std::make_shared<sluice::BinaryFileSink>(path);
  sluice::root_logger().add_sink(binary);
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "lookup {} then {}", Account{-1}, Account{7});
  SLUICE_INFO(log, "field", kv<"account">(Account{-2}), kv<"db_password">(Account{-3}));
  SLUICE_INFO(log, "after {}", 1);
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 3);
  CHECK(records[0].message ==
        "lookup [sluice: format error: no account for password=[REDACTED]] then account 7");
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[1].fields ==
        Fields{{"account", "[sluice: format error: no account for password=[REDACTED]]"},
               {"db_password", "[REDACTED]"}});
  CHECK(records[2].message == "after 1");
  CHECK(redactions(RedactionKind::key_value) == 2);
  CHECK(redactions(RedactionKind::field) == 1);
  sluice::stop();
  CHECK(read_file(path).find("hunter2") == std::string::npos);
}

TEST_CASE("record redaction: values after a tab or an aligned run of spaces") {
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "config:\n{}", std::string("user:        bob\npassword:    hunter2\n"));
  SLUICE_INFO(log, "{}", std::string("db_password:\ts3cr3t-value"));
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].message == "config:\nuser:        bob\npassword:    [REDACTED]\n");
  CHECK(records[1].message == "db_password:\t[REDACTED]");
  CHECK(redactions(RedactionKind::key_value) == 2);
}

TEST_CASE("record redaction: a key in one argument, its value in the next") {
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  // Python's "%s=%s" % (key, value): each argument alone looks like nothing.
  SLUICE_INFO(log, "{}={}", "password", "hunter2");
  SLUICE_INFO(log, "{}: {:08d} ok", std::string("X-Api-Key"), 12345);  // becomes text
  SLUICE_INFO(log, "set {}{}", "token=", "abc");  // the separator in the key's argument
  SLUICE_INFO(log, "{{\"{1}\": \"{0}\"}}", "s3cr3t", std::string_view("db_password"));
  SLUICE_INFO(log, "{}={} {}={}", "user", "bob", "pin", 1234);
  SLUICE_INFO(log, "{}={} n={}", "user", "bob", 7);  // the same shape, nothing secret
  SLUICE_INFO(log, "{}: {:08d} ok", std::string("attempts"), 3);
  SLUICE_INFO(log, "{}={}", "tokens", 5);          // not a sensitive key
  SLUICE_INFO(log, "{} {}", "password", "reset");  // no separator: prose
  SLUICE_INFO(log, "{} password {}", "new", "set");
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 10);
  CHECK(records[0].message == "password=[REDACTED]");
  CHECK(records[1].message == "X-Api-Key: [REDACTED] ok");
  CHECK(records[2].message == "set token=[REDACTED]");
  CHECK(records[3].message == "{\"db_password\": \"[REDACTED]\"}");
  CHECK(records[4].message == "user=bob pin=[REDACTED]");
  CHECK(records[5].message == "user=bob n=7");
  CHECK(records[6].message == "attempts: 00000003 ok");
  CHECK(records[7].message == "tokens=5");
  CHECK(records[8].message == "password reset");
  CHECK(records[9].message == "new password set");
  CHECK(redactions(RedactionKind::argument) == 5);
  CHECK(redactions.records() == 5);
}

TEST_CASE("record redaction: a key argument, an auth scheme, then the credential") {
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  // The token alone holds no "Bearer", and the literal between the two
  // fields holds a word: the key is still the argument before.
  SLUICE_INFO(log, "{}: Token {}", "Authorization", "abc");
  SLUICE_INFO(log, "{}: Token {}", std::string("proxy-authorization"), "dXNlcjpwYXNz");
  SLUICE_INFO(log, "{}: Token {}", "X-Request-Id", "abc");  // not a sensitive key
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 3);
  CHECK(records[0].message == "Authorization: Token [REDACTED]");
  CHECK(records[1].message == "proxy-authorization: Token [REDACTED]");
  CHECK(records[2].message == "X-Request-Id: Token abc");
  CHECK(redactions(RedactionKind::argument) == 2);
}

TEST_CASE("record redaction: Bearer or Basic right before a placeholder, with no key") {
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  // Neither credential looks like one to the free-text finder: only the
  // format tells, whatever key (or none) comes before the scheme.
  SLUICE_INFO(log, "calling upstream with Bearer {}", std::string("abc"));
  SLUICE_INFO(log, "{}: Bearer {}", "X-Request-Id", "abc");
  SLUICE_INFO(log, "retry with Basic {} now", "dXNlcg==");
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 3);
  CHECK(records[0].message == "calling upstream with Bearer [REDACTED]");
  CHECK(records[1].message == "X-Request-Id: Bearer [REDACTED]");
  CHECK(records[2].message == "retry with Basic [REDACTED] now");
  CHECK(redactions(RedactionKind::argument) == 3);
}

TEST_CASE("record redaction: basic or bearer in prose does not mark the argument") {
  CaptureFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "running basic {} checks", "auth");
  SLUICE_INFO(log, "Authorization: basic {}", "dXNlcg==");
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].message == "running basic auth checks");
  CHECK(records[1].message == "Authorization: basic [REDACTED]");
  CHECK(redactions(RedactionKind::argument) == 1);
}

TEST_CASE("record redaction: a clean value after a key argument keeps its format spec") {
  // A number after `{}: ` is text only in the records where its key
  // argument is sensitive: when something else of the record becomes text
  // (the custom value's e-mail), the number is still rendered by its spec.
  BinaryLogFixture fx;
  const RedactionCounter redactions;
  auto& log = sluice::get_logger("app");
  for (const char* key : {"mask", "pin", "mask"}) {
    SLUICE_INFO(log, "{}={:x} by {}", key, 255, Badge{7});
  }
  SLUICE_INFO(log, "{}: {:08d} ok {}", "attempts", 3, Badge{8});
  const std::string bytes = fx.stop();

  const auto lines = fx.live->lines();
  REQUIRE(lines.size() == 4);
  CHECK_THAT(lines[0], Catch::Contains("\"message\":\"mask=ff by badge of ***@example.com #7\""));
  CHECK_THAT(lines[1],
             Catch::Contains("\"message\":\"pin=[REDACTED] by badge of ***@example.com #7\""));
  CHECK_THAT(lines[2], Catch::Contains("\"message\":\"mask=ff by badge of ***@example.com #7\""));
  CHECK_THAT(lines[3],
             Catch::Contains("\"message\":\"attempts: 00000003 ok badge of ***@example.com #8\""));
  CHECK(redactions(RedactionKind::argument) == 1);
  CHECK(redactions(RedactionKind::email) == 4);

  std::vector<std::string> warnings;
  CHECK(sluice::testing::decode_to_json_lines(bytes, warnings) == lines);
  CHECK(warnings.empty());
}

TEST_CASE("record redaction: a secret whose spec has a nested width or precision") {
  // The secret becomes text and loses its spec, nested field included;
  // the other fields, nested ones too, keep theirs (the site's text copy
  // writes every index out, so that none shifts), live and in the binary log.
  auto messages = std::make_shared<sluice::CaptureSink>(
      std::make_shared<sluice::PatternFormatter>("{message}"));
  BinaryLogFixture fx(messages);
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "pin={:.{}f} n={}", 1234.5, 2, 7);
  SLUICE_INFO(log, "{{pin={:.{}f}}} w={:>{}} n={:03d}", 1234.5, 2, 7, 4, 9);
  SLUICE_INFO(log, "n={0:03d} pin={1:.{2}f}", 9, 1234.5, 2);
  SLUICE_INFO(log, "w={1:>{0}} pin={2:{0}}", 5, 3, 1234);
  const std::string bytes = fx.stop();

  CHECK(messages->lines() ==
        std::vector<std::string>{"pin=[REDACTED] n=7", "{pin=[REDACTED]} w=   7 n=009",
                                 "n=009 pin=[REDACTED]", "w=    3 pin=[REDACTED]"});
  std::vector<std::string> warnings;
  CHECK(sluice::testing::decode_to_json_lines(bytes, warnings) == fx.live->lines());
  CHECK(warnings.empty());
}

TEST_CASE("record redaction: a clean integer keeps its spec when another becomes text") {
  CaptureFixture fx;
  auto& log = sluice::get_logger("app");
  for (const std::uint64_t card : {std::uint64_t{4111111111111111}, std::uint64_t{77}}) {
    SLUICE_INFO(log, "card {:>4} id {:x} n {:03d}", card, std::uint64_t{255}, std::int64_t{7});
    SLUICE_INFO(log, "id {:x} card {:>4}", std::uint64_t{255}, card);
  }
  SLUICE_INFO(log, "ids {:x} {:x}", std::uint64_t{4111111111111111},
              std::uint64_t{5555555555554444});
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 5);
  CHECK(records[0].message == "card [REDACTED] id ff n 007");
  CHECK(records[1].message == "id ff card [REDACTED]");
  CHECK(records[2].message == "card   77 id ff n 007");
  CHECK(records[3].message == "id ff card   77");
  CHECK(records[4].message == "ids [REDACTED] [REDACTED]");
}

TEST_CASE("record redaction: a site whose records replace many sets of integers") {
  // One copy of the site per set replaced, up to 8: then one copy that
  // retypes every integer, its clean values rendered as "{}" renders them.
  CaptureFixture fx;
  auto& log = sluice::get_logger("app");
  const std::uint64_t card = 4111111111111111;
  std::vector<std::string> expected;
  for (unsigned set = 1; set < 16; ++set) {
    const auto arg = [&](unsigned bit) { return set & (1u << bit) ? card : std::uint64_t{255}; };
    SLUICE_INFO(log, "{:x} {:x} {:x} {:x}", arg(0), arg(1), arg(2), arg(3));
    std::string message;
    for (unsigned bit = 0; bit < 4; ++bit) {
      if (bit != 0) message += ' ';
      message += set & (1u << bit) ? "[REDACTED]" : set <= 8 ? "ff" : "255";
    }
    expected.push_back(message);
  }
  sluice::flush();
  std::vector<std::string> messages;
  for (const auto& record : fx.capture->records()) messages.push_back(record.message);
  CHECK(messages == expected);
}

TEST_CASE("record redaction: a string secret is replaced whole, whatever its precision") {
  // `{:.8}` logs a token's first 8 characters; replaced whole, the marker
  // is not cut to "[REDACTE". Text the finders changed in part keeps the
  // precision, as the original would have. Live and in the binary log.
  auto messages = std::make_shared<sluice::CaptureSink>(
      std::make_shared<sluice::PatternFormatter>("{message}"));
  BinaryLogFixture fx(messages);
  auto& log = sluice::get_logger("app");
  SLUICE_INFO(log, "token={:.8} user={:.3}", "abcdefghijkl", "bobby");
  SLUICE_INFO(log, "{}: {:>12.4} ok", "password", std::string("hunter2"));
  SLUICE_INFO(log, "note {:.9}", "mail bob@example.com");
  SLUICE_INFO(log, "token={:.<12}|", "abc");  // '.' as the fill: no precision
  const std::string bytes = fx.stop();

  CHECK(messages->lines() == std::vector<std::string>{"token=[REDACTED] user=bob",
                                                      "password: [REDACTED] ok", "note mail ***@",
                                                      "token=[REDACTED]..|"});
  std::vector<std::string> warnings;
  CHECK(sluice::testing::decode_to_json_lines(bytes, warnings) == fx.live->lines());
  CHECK(warnings.empty());
}
