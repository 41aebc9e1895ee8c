#include "config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "redaction/key_matcher.hpp"
#include "redaction/pattern_set.hpp"
#include "sluice/error.hpp"
#include "text_util.hpp"

namespace sluice::redact_tool {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

struct CloseFile {
  void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};

// The whole file, or Error with the reason. Through stdio, which keeps
// errno: an ifstream said neither why an open failed nor that a read did
// (a directory opens, its read fails with EISDIR, and it gave "").
// `label` names the file in messages.
std::string read_file(const std::string& path, const std::string& label) {
  const std::unique_ptr<std::FILE, CloseFile> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw Error("cannot read " + label + ": " + std::strerror(errno));
  std::string text;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get())) {
    text.append(buffer, n);
  }
  if (std::ferror(file.get())) throw Error("cannot read " + label + ": " + std::strerror(errno));
  return text;
}

bool parse_bool(std::string_view value, bool& out) {
  if (value == "true" || value == "yes" || value == "on") {
    out = true;
  } else if (value == "false" || value == "no" || value == "off") {
    out = false;
  } else {
    return false;
  }
  return true;
}

// A name or value as a message shows it. Bytes other than printable ASCII
// as \xHH: a NUL cut the message short, an escape sequence acted on the
// terminal, a stray byte was invisible. A backslash as \\, so that the text
// "\x1b" does not read as the byte. At most 64 bytes: a file that is
// not a configuration (a log given by mistake) can have a line of a
// megabyte, which became a message of a megabyte.
std::string shown(std::string_view text) {
  constexpr std::size_t kMax = 64;
  std::string out;
  for (const char c : text.substr(0, kMax)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (byte >= 0x20 && byte < 0x7F) {
      out += c;
    } else {
      detail::append_hex_escape(byte, out);
    }
  }
  if (text.size() > kMax) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The names apply_config knows, style.KIND aside.
bool is_setting(std::string_view name) {
  constexpr std::string_view kSettings[] = {"key",     "no-key",      "hmac-key", "hmac-key-file",
                                            "pattern", "scan-values", "integers"};
  return name.starts_with("style.") ||
         std::find(std::begin(kSettings), std::end(kSettings), name) != std::end(kSettings);
}

}  // namespace

std::string read_key_file(const std::string& path) {
  // The path comes from the file, whose bytes may be anything: its message
  // shows it as names and values are shown.
  return read_file(path, shown(path));
}

void apply_config(std::string_view text, std::string_view origin, RedactionPolicy& policy,
                  const KeyFileReader& read_key) {
  // A UTF-8 byte order mark, as Windows editors write: it would glue itself,
  // invisible, to the first setting's name.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    const std::string_view line = trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const auto fail = [&](const std::string& why) {
      throw Error(std::string(origin) + ":" + std::to_string(line_number) + ": " + why);
    };
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) fail("expected `setting = value`");
    const std::string_view name = trim(line.substr(0, eq));
    const std::string value(trim(line.substr(eq + 1)));
    if (name.empty()) fail("no setting before `=`");
    if (!is_setting(name)) fail("unknown setting " + shown(name));
    // No setting takes an empty value: `key =` added nothing, `hmac-key =`
    // set an empty key, `pattern =` matched nothing, all silently.
    if (value.empty()) fail(shown(name) + " needs a value");
    if (name == "key") {
      // Keys the engine would drop without a word (KeyMatcher keeps only
      // ASCII letters and digits as word parts).
      if (value.size() > detail::KeyMatcher::kMaxKeyLength) {
        fail("key longer than " + std::to_string(detail::KeyMatcher::kMaxKeyLength) + " bytes (" +
             std::to_string(value.size()) + "): it would match nothing");
      }
      if (std::none_of(value.begin(), value.end(), is_ascii_alnum)) {
        fail("key " + shown(value) + " has no ASCII letter or digit: it would match nothing");
      }
      policy.keys.push_back(value);
    } else if (name == "no-key") {
      auto& keys = policy.keys;
      keys.erase(std::remove(keys.begin(), keys.end(), value), keys.end());
    } else if (name.starts_with("style.")) {
      RedactionKind kind;
      if (!parse_redaction_kind(name.substr(6), kind)) fail("unknown kind in " + shown(name));
      if (value == "redacted") {
        policy.set_style(kind, RedactionStyle::redacted);
      } else if (value == "mask") {
        policy.set_style(kind, RedactionStyle::mask);
      } else if (value == "hmac") {
        policy.set_style(kind, RedactionStyle::hmac);
      } else {
        fail("style must be redacted, mask or hmac, not " + shown(value));
      }
    } else if (name == "hmac-key") {
      policy.hmac_key = value;
    } else if (name == "hmac-key-file") {
      std::string key;
      try {
        key = read_key(value);
      } catch (const Error& e) {
        fail(std::string("hmac-key-file: ") + e.what());
      }
      while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
      if (key.empty()) fail("hmac-key-file: " + shown(value) + " holds no key");
      policy.hmac_key = key;
    } else if (name == "pattern") {
      // Compiled here as well as by the engine, so that RE2's refusal names
      // the line: from the engine it named neither file nor line. RE2's
      // words quote the pattern: shown, as the pattern is.
      if (const std::string error = detail::PatternSet::error_of(value); !error.empty()) {
        fail("invalid redaction pattern \"" + shown(value) + "\": " + shown(error));
      }
      policy.patterns.push_back(value);
    } else if (name == "scan-values" || name == "integers") {
      bool& flag = name == "integers" ? policy.scan_integers : policy.scan_values;
      if (!parse_bool(value, flag))
        fail(std::string(name) + " must be true or false, not " + shown(value));
    } else {
      fail("unknown setting " + shown(name));
    }
  }
}

void load_config(const std::string& path, RedactionPolicy& policy) {
  apply_config(read_file(path, path), path, policy);
}

void check_config(const RedactionPolicy& policy) {
  // The engine refuses this too, but in the API's words
  // ("RedactionPolicy::hmac_key"), which an operator cannot act on.
  if (!policy.hmac_key.empty()) return;
  for (std::size_t k = 0; k < redaction_kind_count; ++k) {
    const auto kind = static_cast<RedactionKind>(k);
    if (policy.style(kind) == RedactionStyle::hmac) {
      throw Error("style." + std::string(redaction_kind_name(kind)) +
                  " = hmac needs hmac-key or hmac-key-file");
    }
  }
}

}  // namespace sluice::redact_tool
