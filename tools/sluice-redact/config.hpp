#pragma once
// sluice-redact's configuration file: one setting a line.
//
//   # comment, on a line of its own (after a value, # is part of it)
//   key = employee_id           add a sensitive key
//   no-key = session            remove one (from the default list)
//   style.card = mask           redacted | mask | hmac, per kind
//   hmac-key-file = /etc/x.key  or hmac-key = ...
//   pattern = (?i)badge-(\d+)   RE2; the first group if any
//   scan-values = false
//   integers = false

#include <functional>
#include <string>
#include <string_view>

#include "sluice/redaction.hpp"

namespace sluice::redact_tool {

/// Reads the file an hmac-key-file setting names, as written (a relative
/// path from the working directory). Throws sluice::Error if it cannot,
/// naming the path escaped and cut as the configuration's messages show
/// names and values.
std::string read_key_file(const std::string& path);

/// What apply_config reads hmac-key-file with: read_key_file in the tool;
/// the fuzzer's own, which reads nothing from disk (tests/fuzz/).
using KeyFileReader = std::function<std::string(const std::string& path)>;

/// Applies the settings in `text` to `policy`. Throws sluice::Error naming
/// the line of an unknown setting or bad value. `origin` names the file in
/// messages.
void apply_config(std::string_view text, std::string_view origin, RedactionPolicy& policy,
                  const KeyFileReader& read_key = read_key_file);

/// Reads the file at `path` and applies it.
void load_config(const std::string& path, RedactionPolicy& policy);

/// Throws sluice::Error, in the configuration's words, for what no single
/// line shows: a style hmac without hmac-key (which may come from a later
/// file). Run once all files are applied.
void check_config(const RedactionPolicy& policy);

}  // namespace sluice::redact_tool
