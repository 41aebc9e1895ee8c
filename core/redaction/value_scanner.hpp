#pragma once
// Finds secrets in text with the built-in finders (find_*.cpp).

#include <string_view>
#include <vector>

#include "match.hpp"

namespace sluice::detail {

class KeyMatcher;

/// One pass over the text: a table says which bytes can start something
/// (digits, '@', '=', ':', 'J' of "eyJ", 'A' of "AKIA", 'B'/'b' of
/// "Bearer"/"Basic", '-' of "-----BEGIN" and "xoxb-", '_' of "ghp_", '>' of
/// "<password>"), everything else is skipped, and
/// each such byte calls its finder. Linear in the text's length: every
/// finder moves forward or looks back a bounded distance.
///
/// Holds a reference to `keys`, which must outlive it. Stateless otherwise:
/// scan() may run on several threads at once.
class ValueScanner {
 public:
  explicit ValueScanner(const KeyMatcher& keys) noexcept : keys_(&keys) {}

  /// Appends what `text` holds to `out`, merged (merge_matches) and in
  /// order. Texts of 4 GiB or more are not scanned.
  void scan(std::string_view text, std::vector<Match>& out) const;

 private:
  const KeyMatcher* keys_;
};

}  // namespace sluice::detail
