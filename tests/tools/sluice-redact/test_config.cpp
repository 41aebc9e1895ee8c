// sluice-redact's configuration file (tools/sluice-redact/config.cpp), in
// process: what each setting does to the policy, and the exact message of
// each bad line (it must name the file and line, and say what is wrong).

#include <catch2/catch.hpp>
#include <sluice/error.hpp>
#include <sluice/redaction.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "config.hpp"
#include "redaction/redactor.hpp"

namespace {

using sluice::redact_tool::apply_config;

// The message apply_config throws for `text` ("r.conf" names it), or
// "(accepted)".
std::string error_of(std::string_view text) {
  sluice::RedactionPolicy policy;
  try {
    apply_config(text, "r.conf", policy);
  } catch (const sluice::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

// A directory of its own, removed at the end.
struct ScratchDir {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("sluice-redact-config-" + std::to_string(::getpid()));
  ScratchDir() { std::filesystem::create_directories(dir); }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

bool has_key(const sluice::RedactionPolicy& policy, const std::string& key) {
  return std::find(policy.keys.begin(), policy.keys.end(), key) != policy.keys.end();
}

}  // namespace

TEST_CASE("redact config: every setting reaches the policy") {
  sluice::RedactionPolicy policy;
  apply_config(
      "# a comment\n\n  key = employee_id  \nno-key = "
      "session\nstyle.card = mask\n"
      "hmac-key = k1\nstyle.email = hmac\npattern = "
      "(?i)badge-(\\d{6})\nscan-values = off\n"
      "integers = no\n",
      "r.conf", policy);
  CHECK(has_key(policy, "employee_id"));
  CHECK_FALSE(has_key(policy, "session"));
  CHECK(policy.style(sluice::RedactionKind::card) == sluice::RedactionStyle::mask);
  CHECK(policy.style(sluice::RedactionKind::email) == sluice::RedactionStyle::hmac);
  CHECK(policy.hmac_key == "k1");
  CHECK(policy.patterns == std::vector<std::string>{"(?i)badge-(\\d{6})"});
  CHECK_FALSE(policy.scan_values);
  CHECK_FALSE(policy.scan_integers);
}

TEST_CASE("redact config: each bad line is named with its file and line") {
  CHECK(error_of("key = a\ncolour = blue\n") == "r.conf:2: unknown setting colour");
  CHECK(error_of("key a\n") == "r.conf:1: expected `setting = value`");
  CHECK(error_of("style.card = blur\n") ==
        "r.conf:1: style must be redacted, mask or hmac, not blur");
  CHECK(error_of("style.cards = mask\n") == "r.conf:1: unknown kind in style.cards");
}

TEST_CASE("redact config: a pattern RE2 refuses is named with its file and line") {
  CHECK(error_of("key = a\npattern = (unclosed\n") ==
        "r.conf:2: invalid redaction pattern \"(unclosed\": missing ): "
        "(unclosed");
}

TEST_CASE("redact config: an unreadable key file is named with the line and the reason") {
  const ScratchDir s;
  CHECK(error_of("\nhmac-key-file = " + s.path("missing.key") + "\n") ==
        "r.conf:2: hmac-key-file: cannot read " + s.path("missing.key") +
            ": No such file or directory");
  // A directory opens; its read fails. It used to give an empty key, silently.
  CHECK(error_of("hmac-key-file = " + s.dir.string() + "\n") ==
        "r.conf:1: hmac-key-file: cannot read " + s.dir.string() + ": Is a directory");
  std::ofstream(s.path("good.key"), std::ios::binary) << "k3y\r\n";
  sluice::RedactionPolicy policy;
  apply_config("hmac-key-file = " + s.path("good.key"), "r.conf", policy);
  CHECK(policy.hmac_key == "k3y");
}

TEST_CASE("redact config: a configuration file that cannot be read says why") {
  const ScratchDir s;
  const auto load_error = [](const std::string& path) -> std::string {
    sluice::RedactionPolicy policy;
    try {
      sluice::redact_tool::load_config(path, policy);
    } catch (const sluice::Error& e) {
      return e.what();
    }
    return "(accepted)";
  };
  CHECK(load_error(s.path("missing.conf")) ==
        "cannot read " + s.path("missing.conf") + ": No such file or directory");
  // `--config /etc/sluice/` used to run with the default policy, silently.
  CHECK(load_error(s.dir.string()) == "cannot read " + s.dir.string() + ": Is a directory");
}

TEST_CASE("redact config: a UTF-8 byte order mark at the start is skipped") {
  // Notepad writes one; it used to make the first line an unknown setting
  // whose name looked right.
  sluice::RedactionPolicy policy;
  apply_config("\xEF\xBB\xBFkey = employee_id\nstyle.card = mask\n", "r.conf", policy);
  CHECK(has_key(policy, "employee_id"));
  CHECK(policy.style(sluice::RedactionKind::card) == sluice::RedactionStyle::mask);
}

TEST_CASE("redact config: CRLF line endings read as LF, lines counted the same") {
  sluice::RedactionPolicy policy;
  apply_config("key = employee_id\r\nstyle.card = mask\r\n", "r.conf", policy);
  CHECK(has_key(policy, "employee_id"));
  CHECK(policy.style(sluice::RedactionKind::card) == sluice::RedactionStyle::mask);
  CHECK(error_of("key = a\r\n\r\ncolour = blue\r\n") == "r.conf:3: unknown setting colour");
}

TEST_CASE("redact config: a setting without a name or without a value is an error") {
  CHECK(error_of("key = a\n= employee_id\n") == "r.conf:2: no setting before `=`");
  CHECK(error_of("key =\n") == "r.conf:1: key needs a value");
  CHECK(error_of("pattern = \t\n") == "r.conf:1: pattern needs a value");
  CHECK(error_of("hmac-key =\n") == "r.conf:1: hmac-key needs a value");
  CHECK(error_of("style.card =\n") == "r.conf:1: style.card needs a value");
  CHECK(error_of("colour =\n") == "r.conf:1: unknown setting colour");
}

TEST_CASE("redact config: an empty key file is an error, not an empty key") {
  const ScratchDir s;
  std::ofstream(s.path("empty.key"), std::ios::binary) << "\n";
  CHECK(error_of("hmac-key-file = " + s.path("empty.key") + "\n") ==
        "r.conf:1: hmac-key-file: " + s.path("empty.key") + " holds no key");
}

TEST_CASE("redact config: a bad boolean names the setting and the value") {
  CHECK(error_of("scan-values = maybe\n") ==
        "r.conf:1: scan-values must be true or false, not maybe");
  CHECK(error_of("\nintegers = 1\n") == "r.conf:2: integers must be true or false, not 1");
}

TEST_CASE("redact config: a long or unprintable name or value is shown cut and escaped") {
  CHECK(error_of("colour" + std::string(10000, 'x') + " = 1\n") ==
        "r.conf:1: unknown setting colour" + std::string(58, 'x') + "... (10006 bytes)");
  CHECK(error_of("col\x1b[2Jour = 1\n") == "r.conf:1: unknown setting col\\x1b[2Jour");
  // The text "\x1b" itself (a backslash, then x1b) must not read as the ESC byte above.
  CHECK(error_of("col\\x1b[2Jour = 1\n") == "r.conf:1: unknown setting col\\\\x1b[2Jour");
  CHECK(error_of(std::string("style.card = m\0sk\n", 18)) ==
        "r.conf:1: style must be redacted, mask or hmac, not m\\x00sk");
  CHECK(error_of("scan-values = " + std::string(100, 'y') + "\n") ==
        "r.conf:1: scan-values must be true or false, not " + std::string(64, 'y') +
            "... (100 bytes)");
}

TEST_CASE("redact config: a key the engine would never match is an error") {
  // The engine drops such keys without a word (KeyMatcher: no word part,
  // or longer than kMaxKeyLength), so the file must not accept them.
  const std::string long_key(97, 'k');
  sluice::RedactionPolicy policy;
  policy.keys = {long_key, "___"};
  const sluice::detail::Redactor redactor(policy);
  std::string out;
  CHECK(redactor.redact_text(long_key + "=hunter2 ___=hunter2", out) == 0);

  CHECK(error_of("key = ___\n") ==
        "r.conf:1: key ___ has no ASCII letter or digit: it would match nothing");
  CHECK(error_of("key = " + long_key + "\n") ==
        "r.conf:1: key longer than 96 bytes (97): it would match nothing");
  CHECK(error_of("key = " + std::string(96, 'k') + "\n") == "(accepted)");
}

TEST_CASE("redact config: every message shows names, patterns and paths escaped and cut") {
  // Raw bytes reached the terminal through the messages that quote a
  // setting's name or value without shown(): a style name without a value,
  // RE2's refusal (which quotes the pattern, twice) and the key file's path.
  CHECK(error_of("style.\x1b[2J =\n") == "r.conf:1: style.\\x1b[2J needs a value");
  CHECK(error_of("pattern = (a\x1b\n") ==
        "r.conf:1: invalid redaction pattern \"(a\\x1b\": missing ): (a\\x1b");
  CHECK(error_of("pattern = (" + std::string(10000, 'x') + "\n") ==
        "r.conf:1: invalid redaction pattern \"(" + std::string(63, 'x') +
            "... (10001 bytes)\": missing ): (" + std::string(52, 'x') + "... (10012 bytes)");
  const ScratchDir s;
  const std::string odd = s.path("k\x1b[2J.key");
  const std::string odd_shown = s.path("k\\x1b[2J.key");
  CHECK(error_of("hmac-key-file = " + odd + "\n") ==
        "r.conf:1: hmac-key-file: cannot read " + odd_shown + ": No such file or directory");
  std::ofstream(odd, std::ios::binary) << "\n";
  CHECK(error_of("hmac-key-file = " + odd + "\n") ==
        "r.conf:1: hmac-key-file: " + odd_shown + " holds no key");
  CHECK(error_of("hmac-key-file = /" + std::string(10000, 'k') + "\n") ==
        "r.conf:1: hmac-key-file: cannot read /" + std::string(63, 'k') +
            "... (10001 bytes): File name too long");
}
