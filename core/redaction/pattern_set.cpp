#include "pattern_set.hpp"

#include <re2/re2.h>

#include <array>

#include "sluice/error.hpp"

namespace sluice::detail {

namespace {

std::unique_ptr<RE2> compile(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);  // the error goes into the exception instead
  return std::make_unique<RE2>(pattern, options);
}

}  // namespace

PatternSet::PatternSet(const std::vector<std::string>& patterns) {
  for (const std::string& pattern : patterns) {
    auto re = compile(pattern);
    if (!re->ok()) {
      throw Error("invalid redaction pattern \"" + pattern + "\": " + re->error());
    }
    patterns_.push_back(std::move(re));
  }
}

std::string PatternSet::error_of(const std::string& pattern) {
  const auto re = compile(pattern);
  return re->ok() ? std::string() : re->error();
}

PatternSet::~PatternSet() = default;
PatternSet::PatternSet(PatternSet&&) noexcept = default;
PatternSet& PatternSet::operator=(PatternSet&&) noexcept = default;

void PatternSet::find(std::string_view text, std::vector<Match>& out) const {
  const re2::StringPiece input(text.data(), text.size());
  for (const auto& re : patterns_) {
    const int groups = re->NumberOfCapturingGroups() > 0 ? 2 : 1;
    std::array<re2::StringPiece, 2> found;
    std::size_t pos = 0;
    while (pos <= text.size() &&
           re->Match(input, pos, text.size(), RE2::UNANCHORED, found.data(), groups)) {
      const re2::StringPiece whole = found[0];
      const re2::StringPiece secret = groups == 2 && found[1].data() != nullptr ? found[1] : whole;
      const auto begin = static_cast<std::size_t>(secret.data() - text.data());
      if (!secret.empty()) {
        out.push_back(Match{static_cast<std::uint32_t>(begin),
                            static_cast<std::uint32_t>(begin + secret.size()),
                            RedactionKind::pattern});
      }
      const auto whole_end = static_cast<std::size_t>(whole.data() - text.data()) + whole.size();
      pos = whole_end > pos ? whole_end : pos + 1;  // an empty match moves on by one
    }
  }
}

}  // namespace sluice::detail
