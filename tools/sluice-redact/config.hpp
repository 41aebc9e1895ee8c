#pragma once
// sluice-redact's configuration file: one setting a line.
//
//   # comment
//   key = employee_id           add a sensitive key
//   no-key = session            remove one (from the default list)
//   style.card = mask           redacted | mask | hmac, per kind
//   hmac-key-file = /etc/x.key  or hmac-key = ...
//   pattern = (?i)badge-(\d+)   RE2; the first group if any
//   scan-values = false
//   integers = false

#include <string>
#include <string_view>

#include "sluice/redaction.hpp"

namespace sluice::redact_tool {

/// Applies the settings in `text` to `policy`. Throws sluice::Error naming
/// the line of an unknown setting or bad value. `origin` names the file in
/// messages; relative hmac-key-file paths are read as given.
void apply_config(std::string_view text, std::string_view origin, RedactionPolicy& policy);

/// Reads the file at `path` and applies it.
void load_config(const std::string& path, RedactionPolicy& policy);

}  // namespace sluice::redact_tool
