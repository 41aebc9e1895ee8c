#pragma once
// The names of a rotating log's files: the active file and its rotated
// parts, and which of a directory's files belong to the set.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::detail {

/// For an active file `dir/app.log` (or `dir/app.slog.zst`, compressed as
/// it is written):
///
///   indexed      dir/app.log.3[.zst]                 (base.N)
///   timestamped  dir/app.2026-11-22T00-00-00[_1].log[.zst]  (stem.STAMP[_N]ext)
///   temporary    either of them + ".tmp": a compression in progress
///
/// where base is the active name without ".zst", ext its last extension
/// (".log") and stem the rest ("app").
class RotatedFileSet {
 public:
  struct Member {
    std::filesystem::path path;
    bool indexed = false;       // else timestamped
    std::uint64_t index = 0;    // indexed: 1 is the newest
    std::string stamp;          // timestamped: the 19-character stamp
    std::uint64_t counter = 0;  // timestamped: the _N, 0 if none
    bool compressed = false;    // ends in .zst
    bool temporary = false;     // ends in .tmp

    /// Oldest first: timestamped by (stamp, counter), then indexed by
    /// descending index (timestamped files are rotated parts that have not
    /// been given their index yet, so they are newer than every indexed one).
    bool older_than(const Member& other) const;
  };

  explicit RotatedFileSet(std::filesystem::path active);

  const std::filesystem::path& active() const noexcept { return active_; }
  /// The active file's name without ".zst" ("app.log"): the rotated
  /// files' names start with it.
  const std::string& base() const noexcept { return base_; }
  /// Whether the active file is itself zstd (its name ends in .zst).
  bool active_compressed() const noexcept { return active_compressed_; }

  std::filesystem::path indexed(std::uint64_t index, bool compressed) const;
  std::filesystem::path timestamped(std::string_view stamp, std::uint64_t counter,
                                    bool compressed) const;

  /// The set's rotated and temporary files in its directory, oldest first
  /// (an unreadable directory gives none).
  std::vector<Member> list() const;
  /// Parses a file name of the directory; nullopt if not in the set.
  std::optional<Member> parse(std::string_view file_name) const;

 private:
  std::filesystem::path active_;
  std::filesystem::path dir_;
  bool active_compressed_ = false;
  std::string base_;  // "app.log"
  std::string stem_;  // "app"
  std::string ext_;   // ".log" (may be empty)
};

}  // namespace sluice::detail
