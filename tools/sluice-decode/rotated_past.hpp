#pragma once
// --follow: the files a writer rotated past while the reader was away. A
// writer that rotates several times between two polls leaves files that
// were never at the followed path when the reader looked; they are found
// in the path's rotated set by their headers' `created` times, which tell
// the files of a set apart and give the order they were written in.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sluice::detail::decode {

/// The `created` time of the file section that starts the open file `fd`
/// (plain or zstd; read with pread, so its offset does not move), or 0 when
/// it has none yet or is not a binary log.
std::int64_t created_ns_of(int fd);

/// Descriptors, opened, of the files of `path`'s rotated set (see
/// RotatedFileSet; temporary files left out) started after the file
/// `followed` was and before the file `active` (now at `path`) was, oldest
/// first: each once, though a file being compressed is there twice for a
/// moment, and found under its new name when the writer renames it while
/// the directory is listed (listed again then). Empty when `followed` tells no `created` time. A
/// file deleted (retention) before it was found is not there. The caller closes them. `listed`, if
/// given, is called after each listing of the directory (tests: to rename files there as a writer
/// does).
std::vector<int> files_rotated_past(const std::string& path, int followed, int active,
                                    const std::function<void()>& listed = {});

}  // namespace sluice::detail::decode
