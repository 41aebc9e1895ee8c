#include <catch2/catch.hpp>

#include <vector>

#include "redaction/call_site_analysis.hpp"
#include "redaction/key_matcher.hpp"
#include "sluice/redaction.hpp"

using sluice::detail::sensitive_placeholders;

namespace {
std::vector<bool> analyse(std::string_view format) {
  static const sluice::detail::KeyMatcher keys(sluice::RedactionPolicy::default_keys());
  return sensitive_placeholders(format, keys);
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
}

TEST_CASE("call-site analysis: quoted keys and values") {
  CHECK(analyse("{{\"api_key\": \"{}\"}}") == V{true});
  CHECK(analyse("{{\"user\": \"{}\", \"password\": \"{}\"}}") == V{false, true});
  CHECK(analyse("{{'secret': '{}'}}") == V{true});
  CHECK(analyse("password=\"{}\"") == V{true});
  CHECK(analyse("{{\\\"token\\\":\\\"{}\\\"}}") == V{true});  // escaped JSON
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
