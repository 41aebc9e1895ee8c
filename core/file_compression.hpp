#pragma once
// Whole-file zstd compression for rotated logs (run on a worker thread).

#include <filesystem>

namespace sluice::detail {

/// Compresses `from` into a new file `to` (one zstd stream, content
/// checksum on, `from`'s modification time) and syncs `to` to disk before
/// returning, so that a file that exists under its final name is always
/// complete.
/// @throws sluice::Error on any failure (read, write, a full disk); `to` is
/// then removed and `from` is untouched.
void compress_file(const std::filesystem::path& from, const std::filesystem::path& to, int level);

/// Syncs a directory, so that renames and removals in it survive a crash.
void sync_directory(const std::filesystem::path& dir) noexcept;

}  // namespace sluice::detail
