#pragma once
// When a log file is rotated, what its old parts are called, how long they
// are kept and whether they are compressed. Used by FileSink (text and JSON)
// and BinaryFileSink alike.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sluice {

/// A time-based rotation schedule. Times are those of the records: a record
/// stamped at or after the next boundary goes into a new file, so a daily
/// file holds exactly one day's records (a file is not rotated while no
/// record arrives).
struct RotationSchedule {
  enum class Kind : std::uint8_t { never, every, daily, weekly };

  Kind kind = Kind::never;
  /// every: the period, aligned to the clock (every 15 min rotates at :00,
  /// :15, :30, :45; every 1 h on the hour; in UTC or local time).
  std::chrono::seconds period{0};
  /// daily and weekly: the time of day of the rotation.
  std::chrono::seconds time_of_day{0};
  /// weekly: the day.
  std::chrono::weekday weekday{};

  static RotationSchedule every(std::chrono::seconds period) {
    return {Kind::every, period, {}, {}};
  }
  static RotationSchedule daily(std::chrono::hours hour = std::chrono::hours{0},
                                std::chrono::minutes minute = std::chrono::minutes{0}) {
    return {Kind::daily, {}, hour + minute, {}};
  }
  static RotationSchedule weekly(std::chrono::weekday day,
                                 std::chrono::hours hour = std::chrono::hours{0},
                                 std::chrono::minutes minute = std::chrono::minutes{0}) {
    return {Kind::weekly, {}, hour + minute, day};
  }
};

/// How rotated files are named, for an active file `app.log`.
enum class RotatedNames : std::uint8_t {
  /// `app.log.1.zst` (newest), `app.log.2.zst`, ...: each rotation renumbers
  /// the older files, like Python's RotatingFileHandler.
  index,
  /// `app.2026-11-22T00-00-00.log.zst`: the moment of the rotation (UTC or
  /// local time, as the schedule); never renamed again. A second rotation
  /// within the same second is `app.2026-11-22T00-00-00_1.log.zst`.
  timestamp,
};

/// Rotation of a file sink. The active file always keeps its name, so that
/// `tail -F` and log shippers keep following it; rotation renames it and
/// opens a new one. Rotation is off unless max_bytes or schedule is set.
///
/// Rotated files are compressed (and old ones deleted) by a worker thread
/// that each rotating sink owns, never by the backend thread; see
/// docs/rotation.md for what happens on a crash in the middle.
struct Rotation {
  /// Rotate before a record would take the active file past this size
  /// (0: no size limit). A record larger than the limit gets a file of its
  /// own. BinaryFileSink rotates at a record boundary, once the file
  /// reaches the limit.
  std::uint64_t max_bytes = 0;
  /// Time-based rotation; with max_bytes too, whichever comes first.
  RotationSchedule schedule{};
  /// The schedule and timestamp names in UTC (default) or local time.
  bool utc = true;
  RotatedNames naming = RotatedNames::index;

  /// Retention: rotated files beyond these limits are deleted, oldest
  /// first (0: no limit). The active file and a file still being compressed
  /// are never deleted. max_total_bytes counts the active file too.
  std::size_t backup_count = 0;
  std::uint64_t max_total_bytes = 0;
  std::chrono::seconds max_age{0};

  /// Compress rotated files with zstd (`zstdcat` reads them; sluice-decode
  /// too). The original is removed only once the compressed file is
  /// complete and synced to disk.
  bool compress = true;
  /// zstd's level for rotated files: 1 to 22 (20-22 take much more
  /// memory), negative for zstd's fast levels, 0 for zstd's default (3);
  /// anything else is refused by the sink's constructor, with the range
  /// this libzstd accepts in the message. 7, not zstd's default 3: the
  /// worker compresses in the background, and on text logs 7 is where the
  /// ratio passes 10x (the throughput benchmark's log: 9.4x at level 3,
  /// 10.9x at 7, 12.4x at 9, at 124, 47 and 37 MB/s; docs/rotation.md).
  int compression_level = 7;

  /// On start, rotate a non-empty existing active file first instead of
  /// appending to it.
  bool rotate_on_open = false;

  bool enabled() const noexcept {
    return max_bytes != 0 || schedule.kind != RotationSchedule::Kind::never;
  }
};

}  // namespace sluice
