// libFuzzer target for sluice-redact's configuration file (a file an
// operator may have been handed: untrusted bytes): apply_config on a fresh
// default policy; when the bytes parse, the policy into a Redactor and a few
// fixed lines through a LineRedactor, as main.cpp does, so that a setting
// the parser accepts but the engine cannot use is found too. sluice::Error
// is the accepted outcome (the tool prints it and exits 2); another
// exception, a crash, a sanitizer report or an error message that is not
// short printable ASCII is a finding.
//
// hmac-key-file names a file, and the tool reads whatever it names. The
// fuzzer must not: a mutated path can name any file on the machine (its
// bytes would become the key and the run would depend on the machine),
// /dev/stdin or a FIFO (the run blocks for ever), /dev/zero (the read never
// ends). So apply_config gets a reader that touches no disk: the one name
// "hmac.key" (the seeds use it) holds a fixed key, with a newline as a
// file would; every other name is refused with the message of a missing
// file. What the tool's reader adds is the open and the read, which the
// Catch2 tests cover (tests/tools/sluice-redact/).

#include <sluice/error.hpp>
#include <sluice/redaction.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "config.hpp"
#include "line_redactor.hpp"
#include "redaction/redactor.hpp"

namespace {

std::string read_no_disk(const std::string& path) {
  if (path == "hmac.key") return "fuzz-key\n";
  // Without the path: the tool's reader shows it escaped and cut, and the
  // check below holds this reader's message to the same rule.
  throw sluice::Error("cannot read the key file: No such file or directory");
}

// Something for every kind, a PEM block over lines, and text a user pattern
// may match.
constexpr std::string_view kLines[] = {
    "user=bob password=hunter2 card=4111 1111 1111 1111 ssn 123-45-6789",
    "mail bob@example.com Authorization: Bearer abc.def-ghi AKIAIOSFODNN7EXAMPLE",
    "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl "
    "ghp_0123456789abcdefABCDEF0123456789ab",
    "-----BEGIN RSA PRIVATE KEY-----",
    "MIIEabc",
    "-----END RSA PRIVATE KEY----- badge-123456 employee_id=E42 session=s1",
    "",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    sluice::RedactionPolicy policy;
    sluice::redact_tool::apply_config(text, "fuzz.conf", policy, read_no_disk);
    sluice::redact_tool::check_config(policy);
    const sluice::detail::Redactor redactor(std::move(policy));
    sluice::redact_tool::LineRedactor lines(redactor);
    for (const std::string_view line : kLines) (void)lines.redact(line);
    lines.end_input();
  } catch (const sluice::Error& e) {
    // A bad setting, named with its file and line. The message reaches a
    // terminal: every name and value in it is shown escaped and cut (a raw
    // escape sequence acted on the terminal, a megabyte line made a
    // megabyte message), so it is printable ASCII and short.
    const std::string_view message = e.what();
    if (message.size() > 1024) std::abort();
    for (const char c : message) {
      if (c < 0x20 || c > 0x7e) std::abort();
    }
  }
  return 0;
}
