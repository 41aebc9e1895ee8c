#pragma once
// User patterns (RedactionPolicy::patterns), matched with RE2: linear time
// in the text whatever the pattern, so a pattern cannot make the backend
// hang on hostile input the way a backtracking engine can.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "match.hpp"

namespace re2 {
class RE2;
}

namespace sluice::detail {

class PatternSet {
 public:
  /// Throws sluice::Error naming the pattern that RE2 rejects.
  explicit PatternSet(const std::vector<std::string>& patterns);
  /// Why RE2 rejects `pattern` as the set would compile it (its own words,
  /// which quote the pattern), or "" if it takes it.
  static std::string error_of(const std::string& pattern);
  ~PatternSet();
  PatternSet(PatternSet&&) noexcept;
  PatternSet& operator=(PatternSet&&) noexcept;

  bool empty() const noexcept { return patterns_.empty(); }
  /// Appends every match (the first capture group if the pattern has one)
  /// as kind `pattern`. Not merged: the caller merges.
  void find(std::string_view text, std::vector<Match>& out) const;

 private:
  std::vector<std::unique_ptr<re2::RE2>> patterns_;
};

}  // namespace sluice::detail
