#pragma once
// The binary log format (docs/binary-format.md): one encoder, used by
// BinaryFileSink, and one reader, used by sluice-decode and the tests. The
// reader hands out RecordViews, so decoded records go through the very
// formatters live records do.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sluice/detail/call_site.hpp"
#include "sluice/error.hpp"
#include "sluice/record.hpp"

namespace sluice::detail::binlog {

/// The version the encoder writes. The reader also reads every older major
/// from kOldestMajor on (docs/binary-format.md, "Versions").
inline constexpr std::uint16_t kFormatMajor = 3;
inline constexpr std::uint16_t kFormatMinor = 0;
inline constexpr std::uint16_t kOldestMajor = 1;
/// "\x89SLG\r\n\x1a\n": not text, and damaged by newline translation.
inline constexpr std::byte kMagic[8] = {std::byte{0x89}, std::byte{'S'},  std::byte{'L'},
                                        std::byte{'G'},  std::byte{'\r'}, std::byte{'\n'},
                                        std::byte{0x1a}, std::byte{'\n'}};
inline constexpr std::size_t kPreambleSize = 12;  // magic, major u16, minor u16
/// Bytes FA 1C E5 B1 start every block.
inline constexpr std::uint32_t kSyncMarker = 0xB1E51CFAu;
inline constexpr std::size_t kBlockHeaderSize = 16;  // marker, length, xxh3-64
inline constexpr std::uint32_t kMaxPayload = std::uint32_t{1} << 24;
/// Format 3: the file header and the definitions are repeated once per
/// segment, a run of blocks holding at least this much payload (a full-size
/// block is a segment of its own). Format 2 repeated them in every block,
/// which made a sink flushed after every few records (a lightly loaded
/// server: the backend flushes whenever it goes idle) write each call site's
/// format string, file and function again with every record.
inline constexpr std::size_t kSegmentBytes = 64 * 1024;

enum class EntryTag : std::uint8_t {
  file_header = 1,
  call_site = 2,
  logger = 3,
  thread = 4,
  record = 5,
};

/// Thrown by BinaryEncoder::add() for a record that would take the open
/// block's payload past kMaxPayload, which a reader takes for a corrupt
/// block (with every other record in it). The record is left out: the
/// caller closes the block and adds it again, into a block of its own.
struct BlockOverflow : Error {
  using Error::Error;
};

/// What the file header entry says about the producer.
struct ProducerInfo {
  std::uint32_t process_id = 0;
  std::string host;
  std::string service_name;
  std::string service_version;
  std::int64_t created_ns = 0;  // wall clock when the file was started
};

/// Turns records into framed blocks for one file. Call sites, loggers and
/// threads get dense ids per encoder, never reused within the file. Every
/// segment (see kSegmentBytes) is self-contained: its first block starts with
/// the file header, and it defines everything its records use before the
/// first record that uses it, so that a segment decodes even when the blocks
/// before it are lost. Within a block, an integer argument is the difference
/// from its site's previous record in the same block: a block decodes with
/// the definitions alone.
/// Not thread-safe (the backend thread owns it).
class BinaryEncoder {
 public:
  explicit BinaryEncoder(const ProducerInfo& producer);

  /// The 12 bytes a file starts with.
  static std::string preamble();
  /// Appends the record to the open block.
  /// @post pending_payload() grew by the record and any new definitions.
  void add(const RecordView& record) {
    // Inline for the common case, a record like the last one (its site,
    // logger and thread defined in this block, its ids in one word) whose
    // site writes its own fixed-size arguments; the rest out of line.
    const CallSite& site = record.call_site();
    if (&site == last_site_ && site.put_fixed_args != nullptr && record.names_key() != 0 &&
        record.names_key() == last_names_key_ && ids_size_ != 0 &&
        last_site_entry_->block == block_ && header_segment_ == segment_ &&
        record.encoded_args().size() >= last_site_entry_->fixed_size) [[likely]] {
      char* at = room(kMaxRecordHeader + std::size_t{site.arg_count} * kMaxVarint);
      std::memcpy(at, &ids_word_, sizeof ids_word_);  // room holds 8 bytes and more
      at += ids_size_;
      const std::int64_t timestamp = record.timestamp_ns();
      at = put_varint(at, zigzag(timestamp - previous_ns_));
      at = site.put_fixed_args(at, record.encoded_args().data(), last_site_entry_->previous.data());
      used_ = static_cast<std::size_t>(at - payload_.data());
      previous_ns_ = timestamp;
      return;
    }
    add_other(record);
  }
  /// Bytes in the open block's payload.
  std::size_t pending_payload() const noexcept { return used_ - kBlockHeaderSize; }
  /// Closes the open block and appends it, framed, to `out`. The first
  /// block is written even without records (it holds the file header).
  void finish_block(std::string& out) { out.append(finish_block()); }
  /// The same, returning the framed block: valid until the next call to
  /// add() (the block is framed where it was built, without a copy).
  std::string_view finish_block();
  /// The next block starts a new segment, defining again everything its
  /// records use: for a writer that lost a finished block (a full disk),
  /// which may have held definitions the segment's later blocks rely on.
  /// @pre pending_payload() == 0 (called between blocks)
  void start_segment() noexcept {
    ++segment_;
    segment_bytes_ = 0;
    last_names_key_ = 0;  // the logger and thread are defined again
  }

 private:
  struct Interned {
    std::uint64_t id;
    std::uint64_t segment;  // the last segment that defined it
  };
  struct SiteEntry : Interned {
    std::uint64_t block = 0;  // the last block that used it
    // Each integer argument of the site's previous record in this block
    // (integers are written as the difference from it; format 3 restarts
    // at every block, so that a lost block breaks no later one).
    std::vector<std::uint64_t> previous;
    // The bytes of the site's arguments in a record when every one has a
    // fixed size (no string or custom value), else kVariableSize: such a
    // site's record needs one length check and one room() call, not one
    // per argument. Set when the site is used in a block.
    std::size_t fixed_size = 0;
  };
  static constexpr std::size_t kVariableSize = ~std::size_t{0};
  static constexpr std::size_t kMaxVarint = 10;
  /// A record's tag, its three ids and its time difference.
  static constexpr std::size_t kMaxRecordHeader = 1 + 4 * kMaxVarint;

  /// Makes room for `n` more payload bytes and returns where they go.
  char* room(std::size_t n) {
    if (payload_.size() - used_ < n) grow(n);
    return payload_.data() + used_;
  }
  void grow(std::size_t n);
  void append(std::string_view bytes);
  void write_header_if_missing() {
    if (header_segment_ != segment_) write_header();
  }
  void write_header();
  // Make the site, logger or thread the cached last one, defined in the
  // open block (the path a record takes when it differs from the last).
  void use_site(const CallSite& site);
  void use_logger(std::string_view name);
  void use_thread(std::uint64_t id, std::string_view name);
  /// add() for every record but the common case.
  [[gnu::noinline]] void add_other(const RecordView& record);
  /// Makes the record's logger and thread the cached last ones.
  void use_names(const RecordView& record);
  /// Appends the record's arguments; false if `bytes` is shorter than the
  /// site's arguments need.
  bool put_args(const CallSite& site, std::span<const std::byte> bytes, std::uint64_t* previous);
  /// A record's arguments were shorter than its site says: forgets what the
  /// reader would need to decode the site's next record, and throws.
  [[noreturn]] void bad_args(SiteEntry& entry);
  /// Fills ids_word_ and ids_size_ from the last site, logger and thread.
  void cache_ids() noexcept;
  /// SiteEntry::fixed_size for `site`.
  static std::size_t fixed_args_size(const CallSite& site) noexcept;

  // The file header entry, the same in every segment; the hash of its body
  // seeds every block's checksum, which ties each block to its file.
  std::string header_entry_;
  std::uint64_t checksum_seed_;
  std::uint64_t block_ = 1;        // the open block's sequence number
  std::uint64_t segment_ = 1;      // the open segment's (see kSegmentBytes)
  std::size_t segment_bytes_ = 0;  // payload in the segment's finished blocks
  std::uint64_t header_segment_ = 0;
  // The open block's payload is payload_[kBlockHeaderSize, used_), after
  // room for its frame's header: payload_ only grows, so that appending
  // never zero-fills.
  std::string payload_;
  std::size_t used_ = kBlockHeaderSize;
  std::int64_t previous_ns_ = 0;  // 0 at every block start
  std::unordered_map<const CallSite*, SiteEntry> sites_;
  std::unordered_map<std::string, Interned> loggers_;
  std::unordered_map<std::string, Interned> threads_;  // key: id bytes + name
  // The last logger and thread seen, so that a run of records from one
  // logger and thread skips the hashing: the key's bytes are compared (the
  // views' storage may be reused for another name), and the entry's address
  // is stable (unordered_map nodes do not move).
  struct LastLogger {
    std::string name;
    Interned* entry = nullptr;
  } last_logger_;
  struct LastThread {
    std::uint64_t id = 0;
    std::string name;
    Interned* entry = nullptr;
  } last_thread_;
  // The names_key() of the record the last logger and thread are from; 0
  // when they must be compared (a new segment defines them again).
  std::uint64_t last_names_key_ = 0;
  const CallSite* last_site_ = nullptr;
  SiteEntry* last_site_entry_ = nullptr;
  // A record's first bytes (its tag and the ids of the last site, logger
  // and thread) as one word, written with one store; ids_size_ is 0 when
  // they are not cached (the last ones changed) or take more than 8 bytes.
  std::uint64_t ids_word_ = 0;
  std::size_t ids_size_ = 0;
  std::string scratch_;
};

/// What a BinaryReader does with each record's arguments, fixed when it is
/// constructed.
enum class Arguments : bool {
  /// Decoded: the views carry them, messages and fields render.
  decode,
  /// Skipped (the cursor only moves over their bytes), for readers whose
  /// records are only counted (`sluice-decode stats`). The views carry no
  /// arguments: their call site lists none (field_count() is 0) and
  /// message() is not the record's message. Malformed or truncated
  /// arguments are reported exactly as in `decode` mode. Format 2 integers
  /// are differences from the site's previous record, which a skipping
  /// reader does not follow: its previous values go stale, which is why the
  /// mode cannot change.
  skip,
};

/// Bumped by every BinaryReader that frees definitions (see below).
inline std::atomic<std::uint64_t> g_definitions_freed{0};

/// How many times any BinaryReader in this process has freed call-site or
/// logger definitions (one replaced by a different one, a new file section,
/// a reader destroyed). While it stays the same, no address a reader handed
/// out for a definition (`&RecordView::call_site()`, the bytes of
/// `RecordView::logger_name()`) has been reused for another one, so a
/// consumer may key on those addresses and drop such keys when it changes
/// (sluice-decode's stats do). Process-wide rather than per reader because
/// such a consumer sees records from several readers, and readers come and
/// go (sluice-decode starts a new one when a followed file is rotated).
/// Inline: it is read once per record.
inline std::uint64_t definitions_freed() noexcept {
  return g_definitions_freed.load(std::memory_order_relaxed);
}

/// Parses a byte stream (one file, or several concatenated) into records.
///
/// Two ways to use it. Push: feed() bytes as they come, then finish() at the
/// end of the input; every record goes to the RecordHandler. Pull (to merge
/// several inputs, or to stop early): append() bytes, end_input() at the end,
/// and take records one at a time with next().
///
/// A block that fails its checksum, or is otherwise unreadable, is skipped
/// with a warning naming its file offset and size; reading resumes at the
/// next sync marker. An incomplete block at the end is reported once the end
/// of the input is known.
/// Not thread-safe.
class BinaryReader {
 public:
  using RecordHandler = std::function<void(const RecordView&)>;
  using WarningHandler = std::function<void(const std::string&)>;

  BinaryReader(RecordHandler on_record, WarningHandler on_warning,
               Arguments arguments = Arguments::decode);
  /// For pull-style use: records are taken with next().
  explicit BinaryReader(WarningHandler on_warning = {}, Arguments arguments = Arguments::decode);
  ~BinaryReader();
  BinaryReader(const BinaryReader&) = delete;
  BinaryReader& operator=(const BinaryReader&) = delete;

  /// Decodes every complete block in what has been fed so far.
  /// @throws sluice::Error if the input is not a sluice binary log or has a
  /// newer major format version.
  void feed(std::span<const std::byte> bytes);
  /// End of input: decodes what can be, and reports what cannot.
  void finish();

  /// Adds input without decoding it (pull-style).
  void append(std::span<const std::byte> bytes);
  /// No more input will be appended: an incomplete block at the end is then
  /// reported instead of waited for.
  void end_input() noexcept { at_end_ = true; }
  /// After end_input() and every record taken: more input follows that
  /// continues the same file section from a fresh start (a followed file
  /// emptied by copytruncate while its writer, which does not know, writes
  /// on without a preamble). The definitions and checksum seed are kept;
  /// a preamble there still starts a new section. Offsets restart at 0.
  void restart_input() noexcept;
  /// The next record, or nullptr when the input appended so far holds no
  /// more (append more, or it is the end after end_input()). The view stays
  /// valid until the next call of next(), feed() or finish(); append() does
  /// not invalidate it (records never point into the input bytes).
  /// @throws sluice::Error as feed() does.
  /// Inline: most records are the next one in the current block.
  const RecordView* next() {
    if (in_block_ && next_in_block()) return &view_;
    return next_from_block();
  }
  /// True once end_input() was called and every record has been taken.
  bool exhausted() const noexcept { return at_end_ && !in_block_ && position_ == buffer_.size(); }

  std::uint64_t records() const noexcept { return records_; }
  std::uint64_t warnings() const noexcept { return warnings_; }
  const ProducerInfo& producer() const noexcept { return producer_; }

 private:
  struct Site;
  struct Thread {
    std::uint64_t id;
    std::string name;
  };

  bool find_block();
  bool parse_preamble();
  /// Whether a block with this payload and checksum is good; a format 3
  /// segment start of another file section starts that section.
  bool verify_block(std::span<const std::byte> payload, std::uint64_t checksum);
  bool next_in_block();
  const RecordView* next_from_block();  // next() once the current block is done
  void decode_definition(EntryTag tag, std::span<const std::byte> body);
  void drain();
  void warn(std::string message);
  void reset_tables();

  RecordHandler on_record_;
  WarningHandler on_warning_;
  Arguments arguments_;
  std::vector<std::byte> buffer_;
  std::size_t position_ = 0;         // in buffer_: the next byte not parsed
  std::uint64_t buffer_offset_ = 0;  // stream offset of buffer_[0]
  bool at_end_ = false;
  bool have_preamble_ = false;
  std::uint16_t major_ = 0;          // the current file section's
  std::uint64_t checksum_seed_ = 0;  // format 3: the hash of the section's file header body
  bool seed_known_ = false;
  bool in_bad_region_ = false;
  std::uint64_t bad_start_ = 0;  // stream offset

  // The block being decoded: its payload is buffer_[entry_, block_end_).
  bool in_block_ = false;
  std::size_t entry_ = 0;  // in buffer_: the next entry
  std::size_t block_end_ = 0;
  std::uint64_t block_offset_ = 0;  // stream offset of its header, for warnings
  std::int64_t previous_ns_ = 0;
  std::uint64_t block_count_ = 0;  // blocks started so far

  std::uint64_t records_ = 0;
  std::uint64_t warnings_ = 0;

  ProducerInfo producer_;
  std::vector<std::unique_ptr<Site>> sites_;
  std::vector<std::unique_ptr<std::string>> loggers_;
  std::vector<std::unique_ptr<Thread>> threads_;
  std::vector<std::byte> args_;  // a record's arguments in the in-memory layout
  RecordView view_;
};

}  // namespace sluice::detail::binlog
