#include "rotated_file_set.hpp"

#include <algorithm>
#include <system_error>

namespace sluice::detail {

namespace {

constexpr std::string_view kZst = ".zst";
constexpr std::string_view kTmp = ".tmp";
constexpr std::size_t kStampSize = 19;  // 2026-11-22T00-00-00

bool take_suffix(std::string_view& name, std::string_view suffix) {
  if (!name.ends_with(suffix)) return false;
  name.remove_suffix(suffix.size());
  return true;
}

bool take_prefix(std::string_view& name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return false;
  name.remove_prefix(prefix.size());
  return true;
}

// Digits only, no leading zero (so that each number has one name), < 10^18.
std::optional<std::uint64_t> parse_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 18 || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

bool is_stamp(std::string_view s) {
  constexpr std::string_view shape = "dddd-dd-ddTdd-dd-dd";
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i]) return false;
  }
  return true;
}

}  // namespace

bool RotatedFileSet::Member::older_than(const Member& other) const {
  if (indexed != other.indexed) return indexed;  // indexed ones are older
  if (indexed) return index > other.index;
  if (stamp != other.stamp) return stamp < other.stamp;
  return counter < other.counter;
}

RotatedFileSet::RotatedFileSet(std::filesystem::path active) : active_(std::move(active)) {
  dir_ = active_.parent_path();
  // filename() is a temporary: keep its text while `name` looks at it.
  const std::string file_name = active_.filename().string();
  std::string_view name = file_name;
  active_compressed_ = take_suffix(name, kZst);
  base_ = name;
  const std::size_t dot = base_.rfind('.');
  if (dot == std::string::npos || dot == 0) {
    stem_ = base_;
  } else {
    stem_ = base_.substr(0, dot);
    ext_ = base_.substr(dot);
  }
}

std::filesystem::path RotatedFileSet::indexed(std::uint64_t index, bool compressed) const {
  return dir_ / (base_ + '.' + std::to_string(index) + (compressed ? std::string(kZst) : ""));
}

std::filesystem::path RotatedFileSet::timestamped(std::string_view stamp, std::uint64_t counter,
                                                  bool compressed) const {
  std::string name = stem_ + '.';
  name += stamp;
  if (counter != 0) name += '_' + std::to_string(counter);
  name += ext_;
  if (compressed) name += kZst;
  return dir_ / name;
}

std::optional<RotatedFileSet::Member> RotatedFileSet::parse(std::string_view name) const {
  Member m;
  m.temporary = take_suffix(name, kTmp);
  m.compressed = take_suffix(name, kZst);
  // Indexed: base.N
  if (std::string_view rest = name; take_prefix(rest, base_) && take_prefix(rest, ".")) {
    if (const auto index = parse_number(rest); index && *index != 0) {
      m.indexed = true;
      m.index = *index;
      return m;
    }
  }
  // Timestamped: stem.STAMP[_N]ext
  std::string_view rest = name;
  if (!take_prefix(rest, stem_) || !take_prefix(rest, ".") || !take_suffix(rest, ext_)) {
    return std::nullopt;
  }
  if (rest.size() < kStampSize || !is_stamp(rest.substr(0, kStampSize))) return std::nullopt;
  m.stamp = rest.substr(0, kStampSize);
  rest.remove_prefix(kStampSize);
  if (!rest.empty()) {
    if (!take_prefix(rest, "_")) return std::nullopt;
    const auto counter = parse_number(rest);
    if (!counter || *counter == 0) return std::nullopt;
    m.counter = *counter;
  }
  return m;
}

std::vector<RotatedFileSet::Member> RotatedFileSet::list() const {
  std::vector<Member> members;
  std::error_code error;
  const std::filesystem::path dir = dir_.empty() ? std::filesystem::path(".") : dir_;
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    if (auto member = parse(it->path().filename().native())) {
      member->path = dir_ / it->path().filename();
      members.push_back(std::move(*member));
    }
  }
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.older_than(b); });
  return members;
}

}  // namespace sluice::detail
