#include <catch2/catch.hpp>

#include <array>
#include <string>

#include "redaction/key_matcher.hpp"
#include "sluice/redaction.hpp"

using sluice::RedactionPolicy;
using sluice::detail::KeyMatcher;
using sluice::detail::split_key;

namespace {
std::vector<std::string> parts_of(std::string_view key) {
  std::array<char, 128> buffer{};
  std::array<std::string_view, 16> parts{};
  const std::size_t n = split_key(key, buffer.data(), parts.data(), parts.size());
  return {parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(n)};
}
}  // namespace

TEST_CASE("key matcher: splits keys into lower-case word parts") {
  using V = std::vector<std::string>;
  CHECK(parts_of("db_password") == V{"db", "password"});
  CHECK(parts_of("X-Api-Key") == V{"x", "api", "key"});
  CHECK(parts_of("dbPassword") == V{"db", "password"});
  CHECK(parts_of("APIKey") == V{"api", "key"});
  CHECK(parts_of("HTTPServerToken") == V{"http", "server", "token"});
  CHECK(parts_of("user.session.id") == V{"user", "session", "id"});
  CHECK(parts_of("  --") == V{});
  CHECK(parts_of("password2") == V{"password2"});
}

TEST_CASE("key matcher: a key of more parts than there is room for keeps its last ones") {
  // The secret's name is at a key's end: the parts dropped must be the first.
  std::array<char, 128> buffer{};
  std::array<std::string_view, 4> parts{};
  const std::size_t n = split_key("a.b.c.d.e.password", buffer.data(), parts.data(), parts.size());
  CHECK(std::vector<std::string>(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(n)) ==
        std::vector<std::string>{"c", "d", "e", "password"});

  const KeyMatcher keys(RedactionPolicy::default_keys());
  CHECK(keys.is_sensitive("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.password"));  // 17 parts
  CHECK(keys.is_sensitive("a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_api_key"));
  CHECK_FALSE(keys.is_sensitive("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.password.reset.count"));
}

TEST_CASE("key matcher: the default list, on word parts, case-insensitive") {
  const KeyMatcher keys(RedactionPolicy::default_keys());
  for (const char* key : {"password",
                          "PASSWORD",
                          "db_password",
                          "dbPassword",
                          "new-password",
                          "passwd",
                          "pwd",
                          "X-Api-Key",
                          "x_api_key",
                          "apiKey",
                          "APIKEY",
                          "api-key",
                          "access_token",
                          "accessToken",
                          "refresh_token",
                          "id_token",
                          "client_secret",
                          "clientSecret",
                          "Authorization",
                          "Proxy-Authorization",
                          "cookie",
                          "Set-Cookie",
                          "session",
                          "sessionId",
                          "SESSION_ID",
                          "ssn",
                          "card",
                          "card_number",
                          "cardNumber",
                          "credit_card",
                          "cvv",
                          "private_key",
                          "aws_secret_access_key",
                          "password_hash",
                          "password2",
                          "password_confirm",
                          "otp",
                          "passphrase",
                          "secret",
                          "csrf_token"}) {
    INFO(key);
    CHECK(keys.is_sensitive(key));
  }
  for (const char* key : {"user",
                          "username",
                          "password_reset_count",
                          "tokens",
                          "max_tokens",
                          "token_type",
                          "cvc_ok",
                          "card_last4",
                          "card_type",
                          "session_count",
                          "AWS_ACCESS_KEY_ID",
                          "key",
                          "id",
                          "status_code",
                          "passwords_expire_days",
                          "spin",
                          "discard",
                          "",
                          "10",
                          "secret_name"}) {
    INFO(key);
    CHECK_FALSE(keys.is_sensitive(key));
  }
}

TEST_CASE("key matcher: the list is configurable") {
  std::vector<std::string> list = RedactionPolicy::default_keys();
  list.push_back("employee_id");
  std::erase(list, "session");
  const KeyMatcher keys(list);
  CHECK(keys.is_sensitive("employee_id"));
  CHECK(keys.is_sensitive("EmployeeId"));
  CHECK_FALSE(keys.is_sensitive("employee"));
  CHECK_FALSE(keys.is_sensitive("session"));
  CHECK(keys.is_sensitive("session_id"));  // still its own entry

  const KeyMatcher none({});
  CHECK(none.empty());
  CHECK_FALSE(none.is_sensitive("password"));
}

TEST_CASE("key matcher: a key longer than the limit is judged by its end") {
  // The secret's name is at a key's end, however long the path before it.
  const KeyMatcher keys(RedactionPolicy::default_keys());
  CHECK(keys.is_sensitive(std::string(KeyMatcher::kMaxKeyLength - 9, 'x') + "_password"));
  CHECK(keys.is_sensitive(std::string(KeyMatcher::kMaxKeyLength, 'x') + "_password"));
  CHECK(keys.is_sensitive(std::string(1000, 'x') + ".db.password"));
  CHECK(keys.is_sensitive(std::string(KeyMatcher::kMaxKeyLength, 'x') + "_api-key"));
  CHECK_FALSE(keys.is_sensitive(std::string(KeyMatcher::kMaxKeyLength, 'x') + "_password_reset"));
  // What is left of a part cut by the limit is not a part: `[x...x]card`
  // is not `card`.
  CHECK_FALSE(keys.is_sensitive("a_" + std::string(KeyMatcher::kMaxKeyLength, 'x') + "card"));
  CHECK_FALSE(keys.is_sensitive(std::string(200, 'x')));
}

TEST_CASE("key matcher: qualifiers with digits, through the scanner's filter too") {
  // maybe_sensitive strips a part's trailing digits: `b64` and `base64`,
  // qualifiers of their own, must still pass it.
  const KeyMatcher keys(RedactionPolicy::default_keys());
  for (const char* key :
       {"password_b64", "password_base64", "token_b64", "apiKeyB64", "client_secret_base64"}) {
    INFO(key);
    CHECK(keys.maybe_sensitive(key));
    CHECK(keys.is_sensitive(key));
  }
}
