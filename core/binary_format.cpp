#include "binary_format.hpp"

#include <xxhash.h>
#ifdef SLUICE_HAVE_XXH3_DISPATCH
// XXH3_64bits becomes libxxhash's run-time dispatching variant: the same
// values, computed with the widest vector unit the CPU has (AVX2 on most
// x86-64) instead of the SSE2 baseline: about 3.5x fewer instructions for
// the reader's checksum, which every block's bytes go through.
#include <xxh_x86dispatch.h>
#endif

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "arg_decoding.hpp"
#include "record_builder.hpp"
#include "same_text.hpp"
#include "sluice/error.hpp"

namespace sluice::detail::binlog {

namespace {

// ---- primitives (docs/binary-format.md, "Primitives") -----------------------

void put_u8(std::string& out, std::uint8_t v) { out += static_cast<char>(v); }

template <class T>
void put_raw(std::string& out, T v) {  // little-endian hosts only (x86-64, arm64)
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  out.append(bytes, sizeof(T));
}

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

std::int64_t unzigzag(std::uint64_t v) noexcept {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out += s;
}

template <class T>
T load(const std::byte* p) noexcept {
  return load_as<T>(p);
}

// A definition entry: tag, varint length of the body, body. The length lets a
// decoder skip definitions a later minor version adds.
void put_definition(std::string& out, EntryTag tag, const std::string& body) {
  put_u8(out, static_cast<std::uint8_t>(tag));
  put_varint(out, body.size());
  out += body;
}

// Thrown inside decode_block only: the rest of that block is skipped.
struct Malformed {
  std::string reason;
};

class Cursor {
 public:
  explicit Cursor(std::span<const std::byte> bytes) : p_(bytes.data()), end_(p_ + bytes.size()) {}
  bool empty() const noexcept { return p_ == end_; }
  std::uint8_t u8() { return static_cast<std::uint8_t>(*take(1)); }
  const std::byte* position() const noexcept { return p_; }
  std::uint64_t varint() {
    // Most values (ids, small integers) fit in one byte.
    if (p_ != end_ && static_cast<std::uint8_t>(*p_) < 0x80) {
      return static_cast<std::uint8_t>(*p_++);
    }
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const auto b = u8();
      v |= std::uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    throw Malformed{"varint longer than 10 bytes"};
  }
  const std::byte* take(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) throw Malformed{"entry runs past the block"};
    const std::byte* at = p_;
    p_ += n;
    return at;
  }
  std::string_view string() {
    const std::uint64_t n = varint();
    if (n > static_cast<std::uint64_t>(end_ - p_)) throw Malformed{"string runs past the block"};
    return {reinterpret_cast<const char*>(take(n)), static_cast<std::size_t>(n)};
  }

 private:
  const std::byte* p_;
  const std::byte* end_;
};

template <class T>
T* lookup(std::vector<std::unique_ptr<T>>& table, std::uint64_t id, const char* what) {
  if (id >= table.size() || !table[id]) {
    throw Malformed{"a record refers to " + std::string(what) + " " + std::to_string(id) +
                    ", which is not defined (its definition may have been in skipped data)"};
  }
  return table[id].get();
}

template <class T>
std::unique_ptr<T>& slot(std::vector<std::unique_ptr<T>>& table, std::uint64_t id) {
  if (id >= (std::uint64_t{1} << 24)) throw Malformed{"definition id out of range"};
  if (id >= table.size()) table.resize(id + 1);
  return table[id];
}

}  // namespace

// ---- encoder ----------------------------------------------------------------

namespace {

template <class T>
char* put_raw(char* at, T v) noexcept {
  std::memcpy(at, &v, sizeof(T));
  return at + sizeof(T);
}

// One argument of a fixed-size kind (not a string or custom value), read
// from `p` (which holds it) and advanced past: the run-time face of
// put_fixed_arg<Kind>, for sites with no put_fixed_args of their own.
[[gnu::always_inline]] inline char* put_fixed_arg_of_kind(char* at, ArgKind kind,
                                                          const std::byte*& p,
                                                          std::uint64_t& previous) noexcept {
  switch (kind) {
    case ArgKind::boolean:
      return put_fixed_arg<ArgKind::boolean>(at, p, previous);
    case ArgKind::character:
      return put_fixed_arg<ArgKind::character>(at, p, previous);
    case ArgKind::i8:
      return put_fixed_arg<ArgKind::i8>(at, p, previous);
    case ArgKind::i16:
      return put_fixed_arg<ArgKind::i16>(at, p, previous);
    case ArgKind::i32:
      return put_fixed_arg<ArgKind::i32>(at, p, previous);
    case ArgKind::i64:
      return put_fixed_arg<ArgKind::i64>(at, p, previous);
    case ArgKind::u8:
      return put_fixed_arg<ArgKind::u8>(at, p, previous);
    case ArgKind::u16:
      return put_fixed_arg<ArgKind::u16>(at, p, previous);
    case ArgKind::u32:
      return put_fixed_arg<ArgKind::u32>(at, p, previous);
    case ArgKind::u64:
      return put_fixed_arg<ArgKind::u64>(at, p, previous);
    case ArgKind::pointer:
      return put_fixed_arg<ArgKind::pointer>(at, p, previous);
    case ArgKind::f32:
      return put_fixed_arg<ArgKind::f32>(at, p, previous);
    case ArgKind::f64:
      return put_fixed_arg<ArgKind::f64>(at, p, previous);
    case ArgKind::string:
    case ArgKind::custom:
      break;  // not of a fixed size: put_args writes these
  }
  return at;
}

// The arguments of a site whose arguments all have a fixed size, from `p`,
// which holds all of them (the caller checked the length once), into room
// for kMaxVarint bytes per argument. The same bytes as put_args writes, with
// no per-argument length check, and with everything in locals: a store
// through `at` may alias any member the loop would otherwise reload.
char* put_fixed_args(char* at, const ArgInfo* info, std::uint32_t count, const std::byte* p,
                     std::uint64_t* previous) noexcept {
  for (std::uint32_t i = 0; i < count; ++i)
    at = put_fixed_arg_of_kind(at, info[i].kind, p, previous[i]);
  return at;
}

}  // namespace

std::size_t BinaryEncoder::fixed_args_size(const CallSite& site) noexcept {
  std::size_t total = 0;
  for (std::uint32_t i = 0; i < site.arg_count; ++i) {
    const std::size_t size = encoded_fixed_size(site.args[i].kind);
    if (size == 0) return kVariableSize;
    total += size;
  }
  return total;
}

BinaryEncoder::BinaryEncoder(const ProducerInfo& producer) {
  std::string body;
  put_varint(body, producer.process_id);
  put_string(body, producer.host);
  put_string(body, producer.service_name);
  put_string(body, producer.service_version);
  put_u8(body, 0);  // clock: record timestamps are wall-clock ns since the Unix epoch
  put_varint(body, zigzag(producer.created_ns));
  checksum_seed_ = XXH3_64bits(body.data(), body.size());
  put_definition(header_entry_, EntryTag::file_header, body);
  payload_.resize(4096);  // the frame's header, then the first records
}

std::string BinaryEncoder::preamble() {
  std::string out(reinterpret_cast<const char*>(kMagic), sizeof kMagic);
  put_raw(out, kFormatMajor);
  put_raw(out, kFormatMinor);
  return out;
}

void BinaryEncoder::grow(std::size_t n) {
  payload_.resize(std::max({used_ + n, payload_.size() * 2, std::size_t{4096}}));
}

void BinaryEncoder::append(std::string_view bytes) {
  std::memcpy(room(bytes.size()), bytes.data(), bytes.size());
  used_ += bytes.size();
}

void BinaryEncoder::write_header() {
  header_segment_ = segment_;
  append(header_entry_);
}

void BinaryEncoder::use_site(const CallSite& site) {
  if (&site != last_site_) {
    last_site_ = &site;
    last_site_entry_ =
        &sites_.try_emplace(&site, SiteEntry{{sites_.size(), 0}, 0, {}}).first->second;
  }
  SiteEntry& entry = *last_site_entry_;
  if (entry.block == block_) return;
  entry.block = block_;
  entry.previous.assign(site.arg_count, 0);  // every block restarts the differences
  entry.fixed_size = fixed_args_size(site);
  if (entry.segment == segment_) return;
  entry.segment = segment_;
  std::string body;
  put_varint(body, entry.id);
  put_u8(body, static_cast<std::uint8_t>(site.level));
  put_varint(body, site.line);
  put_string(body, site.format);
  put_string(body, site.file);
  put_string(body, site.function);
  put_varint(body, site.arg_count);
  for (std::uint32_t i = 0; i < site.arg_count; ++i) {
    put_u8(body, static_cast<std::uint8_t>(site.args[i].kind));
    put_string(body, site.args[i].field_name);
  }
  scratch_.clear();
  put_definition(scratch_, EntryTag::call_site, body);
  append(scratch_);
}

void BinaryEncoder::use_logger(std::string_view name) {
  if (last_logger_.entry == nullptr || name != last_logger_.name) {
    last_logger_.name.assign(name);
    last_logger_.entry =
        &loggers_.try_emplace(last_logger_.name, Interned{loggers_.size(), 0}).first->second;
  }
  Interned& entry = *last_logger_.entry;
  if (entry.segment == segment_) return;
  entry.segment = segment_;
  std::string body;
  put_varint(body, entry.id);
  put_string(body, name);
  scratch_.clear();
  put_definition(scratch_, EntryTag::logger, body);
  append(scratch_);
}

void BinaryEncoder::use_thread(std::uint64_t id, std::string_view name) {
  if (last_thread_.entry == nullptr || id != last_thread_.id || name != last_thread_.name) {
    last_thread_.id = id;
    last_thread_.name.assign(name);
    scratch_.clear();
    put_raw(scratch_, id);
    scratch_ += name;
    last_thread_.entry =
        &threads_.try_emplace(scratch_, Interned{threads_.size(), 0}).first->second;
  }
  Interned& entry = *last_thread_.entry;
  if (entry.segment == segment_) return;
  entry.segment = segment_;
  std::string body;
  put_varint(body, entry.id);
  put_varint(body, id);
  put_string(body, name);
  scratch_.clear();
  put_definition(scratch_, EntryTag::thread, body);
  append(scratch_);
}

void BinaryEncoder::use_names(const RecordView& record) {
  const std::string_view logger = record.logger_name();
  if (last_logger_.entry == nullptr || !same_text(logger, last_logger_.name) ||
      last_logger_.entry->segment != segment_) {
    use_logger(logger);
    ids_size_ = 0;
  }
  const std::uint64_t thread = record.thread_id();
  const std::string_view thread_name = record.thread_name();
  if (last_thread_.entry == nullptr || thread != last_thread_.id ||
      !same_text(thread_name, last_thread_.name) || last_thread_.entry->segment != segment_) {
    use_thread(thread, thread_name);
    ids_size_ = 0;
  }
  last_names_key_ = record.names_key();
}

void BinaryEncoder::add_other(const RecordView& record) {
  write_header_if_missing();
  // A record from the last call site, logger and thread, already defined in
  // this block, takes none of the use_*() calls.
  const CallSite& site = record.call_site();
  if (&site != last_site_ || last_site_entry_->block != block_) [[unlikely]] {
    use_site(site);
    ids_size_ = 0;
  }
  // The backend vouches for its records' names with a key (see
  // RecordView::names_key): one compare instead of two of the names.
  if (record.names_key() == 0 || record.names_key() != last_names_key_) [[unlikely]] {
    use_names(record);
  }

  SiteEntry& site_entry = *last_site_entry_;
  const std::span<const std::byte> args = record.encoded_args();
  const std::size_t fixed_size = site_entry.fixed_size;
  const bool fixed = fixed_size != kVariableSize;
  if (fixed && args.size() < fixed_size) [[unlikely]] {
    bad_args(site_entry);
  }
  const std::size_t record_start = used_;
  // Room for the whole record at once when its size is bounded.
  char* at = room(kMaxRecordHeader + (fixed ? std::size_t{site.arg_count} * kMaxVarint : 0));
  if (ids_size_ == 0) [[unlikely]] {
    cache_ids();
  }
  if (ids_size_ != 0) [[likely]] {
    std::memcpy(at, &ids_word_, sizeof ids_word_);  // room holds 8 bytes and more
    at += ids_size_;
  } else {
    *at++ = static_cast<char>(EntryTag::record);
    at = put_varint(at, site_entry.id);
    at = put_varint(at, last_logger_.entry->id);
    at = put_varint(at, last_thread_.entry->id);
  }
  const std::int64_t timestamp = record.timestamp_ns();
  at = put_varint(at, zigzag(timestamp - previous_ns_));
  if (fixed) {
    at = site.put_fixed_args != nullptr
             ? site.put_fixed_args(at, args.data(), site_entry.previous.data())
             : put_fixed_args(at, site.args, site.arg_count, args.data(),
                              site_entry.previous.data());
    used_ = static_cast<std::size_t>(at - payload_.data());
  } else {
    used_ = static_cast<std::size_t>(at - payload_.data());
    if (!put_args(site, args, site_entry.previous.data())) {
      used_ = record_start;
      bad_args(site_entry);
    }
  }
  if (pending_payload() > kMaxPayload) [[unlikely]] {
    // A reader would skip the whole block as corrupt. Out again, as for
    // bad_args (the differences it took are restarted by a new definition).
    const std::size_t size = used_ - record_start;
    used_ = record_start;
    site_entry.block = 0;
    site_entry.segment = 0;
    throw BlockOverflow("binary log: a record of " + std::to_string(size) +
                        " bytes does not fit in a block (payload at most " +
                        std::to_string(kMaxPayload) + " bytes)");
  }
  previous_ns_ = timestamp;
}

void BinaryEncoder::cache_ids() noexcept {
  char bytes[kMaxRecordHeader];
  char* at = bytes;
  *at++ = static_cast<char>(EntryTag::record);
  at = put_varint(at, last_site_entry_->id);
  at = put_varint(at, last_logger_.entry->id);
  at = put_varint(at, last_thread_.entry->id);
  const auto size = static_cast<std::size_t>(at - bytes);
  if (size > sizeof ids_word_) return;  // ids past 2^21: written one by one
  ids_word_ = 0;
  std::memcpy(&ids_word_, bytes, size);
  ids_size_ = size;
}

void BinaryEncoder::bad_args(SiteEntry& entry) {
  // Some differences may have been taken from values now rolled back:
  // define the site again before its next record, which restarts them for
  // the reader.
  entry.block = 0;
  entry.segment = 0;
  throw Error("binary log: a record's arguments are shorter than its call site says");
}

namespace {

// Reads one fixed-size argument and steps past it; false if `bytes` ends first.
template <class T>
bool take(const std::byte*& p, const std::byte* end, T& value) noexcept {
  if (static_cast<std::size_t>(end - p) < sizeof(T)) return false;
  value = load<T>(p);
  p += sizeof(T);
  return true;
}

}  // namespace

bool BinaryEncoder::put_args(const CallSite& site, std::span<const std::byte> bytes,
                             std::uint64_t* previous) {
  const std::byte* p = bytes.data();
  const std::byte* const end = p + bytes.size();
  // Room for every fixed-size argument at once; strings make their own.
  char* at = room(std::size_t{site.arg_count} * kMaxVarint);
  for (std::uint32_t i = 0; i < site.arg_count; ++i) {
    const ArgInfo& info = site.args[i];
    if (const std::size_t size = encoded_fixed_size(info.kind); size != 0) {
      if (static_cast<std::size_t>(end - p) < size) return false;
      at = put_fixed_arg_of_kind(at, info.kind, p, previous[i]);
      continue;
    }
    // A string or a custom value: its length, then its text.
    std::string_view text;
    if (info.kind == ArgKind::string) {
      std::uint32_t n;
      if (!take(p, end, n) || static_cast<std::size_t>(end - p) < n) return false;
      text = {reinterpret_cast<const char*>(p), n};
      p += n;
    } else {
      if (static_cast<std::size_t>(end - p) < info.custom_size) return false;
      // Stored as the text "{}" renders, as the live formatters see it.
      scratch_.clear();
      append_custom_text(info, p, scratch_);
      text = scratch_;
      p += info.custom_size;
    }
    used_ = static_cast<std::size_t>(at - payload_.data());
    // This argument's bytes, and room for the fixed-size ones after it.
    at = room(kMaxVarint + text.size() + std::size_t{site.arg_count - i} * kMaxVarint);
    at = put_varint(at, text.size());
    std::memcpy(at, text.data(), text.size());
    at += text.size();
  }
  used_ = static_cast<std::size_t>(at - payload_.data());
  return true;
}

std::string_view BinaryEncoder::finish_block() {
  if (block_ == 1) write_header_if_missing();
  const std::size_t size = pending_payload();
  if (size == 0) return {};
  char* header = payload_.data();
  header = put_raw(header, kSyncMarker);
  header = put_raw(header, static_cast<std::uint32_t>(size));
  put_raw(header, static_cast<std::uint64_t>(XXH3_64bits_withSeed(
                      payload_.data() + kBlockHeaderSize, size, checksum_seed_)));
  const std::string_view block(payload_.data(), used_);
  segment_bytes_ += size;
  used_ = kBlockHeaderSize;
  previous_ns_ = 0;  // a block needs only its segment's definitions
  ++block_;
  if (segment_bytes_ >= kSegmentBytes) start_segment();
  return block;
}

// ---- reader -----------------------------------------------------------------

struct BinaryReader::Site {
  // Format 2 and later: each integer argument's last value, restarted by a
  // definition and (format 3) at every block.
  std::vector<std::uint64_t> previous;
  std::uint64_t block = 0;  // the reader's block_count_ when `previous` was last restarted
  std::string format, file, function;
  std::vector<std::string> field_names;
  std::vector<ArgInfo> args;
  std::vector<ArgKind> wire_kinds;  // as written: custom stays custom
  std::size_t fixed_bytes = 0;      // a record's arguments in memory, strings' text aside
  CallSite call_site{};
  CallSite without_args{};  // call_site listing no arguments: Arguments::skip's views
};

namespace {

void note_definitions_freed() noexcept {
  g_definitions_freed.fetch_add(1, std::memory_order_relaxed);
}

// Moves over one record's arguments as decoding them would, throwing the same
// Malformed at the same bytes, but keeps nothing.
void skip_arguments(Cursor& in, std::span<const ArgKind> kinds) {
  for (const ArgKind kind : kinds) {
    switch (kind) {
      case ArgKind::boolean:
      case ArgKind::character:
        in.take(1);
        break;
      case ArgKind::i8:
      case ArgKind::i16:
      case ArgKind::i32:
      case ArgKind::i64:
      case ArgKind::u8:
      case ArgKind::u16:
      case ArgKind::u32:
      case ArgKind::u64:
      case ArgKind::pointer:
        in.varint();
        break;
      case ArgKind::f32:
        in.take(4);
        break;
      case ArgKind::f64:
        in.take(8);
        break;
      case ArgKind::string:
      case ArgKind::custom:
        in.string();
        break;
    }
  }
}

bool same_site(const auto& a, const auto& b) noexcept {
  return a.call_site.level == b.call_site.level && a.call_site.line == b.call_site.line &&
         a.format == b.format && a.file == b.file && a.function == b.function &&
         a.wire_kinds == b.wire_kinds && a.field_names == b.field_names;
}

}  // namespace

BinaryReader::BinaryReader(RecordHandler on_record, WarningHandler on_warning, Arguments arguments)
    : on_record_(std::move(on_record)), on_warning_(std::move(on_warning)), arguments_(arguments) {}

BinaryReader::BinaryReader(WarningHandler on_warning, Arguments arguments)
    : on_warning_(std::move(on_warning)), arguments_(arguments) {}

BinaryReader::~BinaryReader() {
  if (!sites_.empty() || !loggers_.empty()) note_definitions_freed();
}

void BinaryReader::warn(std::string message) {
  ++warnings_;
  if (on_warning_) on_warning_(message);
}

void BinaryReader::reset_tables() {
  if (!sites_.empty() || !loggers_.empty()) note_definitions_freed();
  producer_ = {};
  sites_.clear();
  loggers_.clear();
  threads_.clear();
}

void BinaryReader::append(std::span<const std::byte> bytes) {
  // Drop what has been consumed; records never point into buffer_.
  const std::size_t keep_from = in_block_ ? entry_ : position_;
  if (keep_from > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(keep_from));
    buffer_offset_ += keep_from;
    position_ -= keep_from;
    if (in_block_) {
      entry_ -= keep_from;
      block_end_ -= keep_from;
    }
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

void BinaryReader::restart_input() noexcept {
  buffer_.clear();
  position_ = 0;
  buffer_offset_ = 0;
  at_end_ = false;
  in_block_ = false;
  in_bad_region_ = false;
}

void BinaryReader::drain() {
  while (const RecordView* record = next()) {
    if (on_record_) on_record_(*record);
  }
}

void BinaryReader::feed(std::span<const std::byte> bytes) {
  append(bytes);
  drain();
}

void BinaryReader::finish() {
  end_input();
  drain();
}

const RecordView* BinaryReader::next_from_block() {
  for (;;) {
    in_block_ = false;
    if (!find_block()) return nullptr;
    if (next_in_block()) return &view_;
  }
}

bool BinaryReader::parse_preamble() {
  const std::size_t available = buffer_.size() - position_;
  const std::uint64_t offset = buffer_offset_ + position_;
  const std::size_t check = std::min(available, sizeof kMagic);
  if (std::memcmp(buffer_.data() + position_, kMagic, check) != 0) {
    throw Error("not a sluice binary log (no file magic at offset " + std::to_string(offset) + ")");
  }
  if (available < kPreambleSize) {
    if (at_end_ && available > 0) {
      warn("offset " + std::to_string(offset) + ": skipped " + std::to_string(available) +
           " bytes (incomplete file preamble at end of input)");
      position_ = buffer_.size();
    }
    return false;
  }
  const std::byte* p = buffer_.data() + position_;
  const auto major = load<std::uint16_t>(p + 8);
  const auto minor = load<std::uint16_t>(p + 10);
  if (major < kOldestMajor || major > kFormatMajor) {
    throw Error("binary log format version " + std::to_string(major) + "." + std::to_string(minor) +
                (major > kFormatMajor ? " is newer than" : " is older than") +
                " this decoder supports (" + std::to_string(kOldestMajor) + ".0 to " +
                std::to_string(kFormatMajor) + "." + std::to_string(kFormatMinor) + ")" +
                (major > kFormatMajor ? ": use a newer sluice-decode" : ""));
  }
  major_ = major;
  position_ += kPreambleSize;
  have_preamble_ = true;
  reset_tables();
  // Format 3 blocks are checked with their file's seed, which the first
  // block (a segment's start) names; older formats have none.
  checksum_seed_ = 0;
  seed_known_ = major < 3;
  return true;
}

bool BinaryReader::verify_block(std::span<const std::byte> payload, std::uint64_t checksum) {
  if (seed_known_ &&
      XXH3_64bits_withSeed(payload.data(), payload.size(), checksum_seed_) == checksum) {
    return true;
  }
  // Not a block of the current file section, or damaged. The first block of
  // a segment starts with the file header whose hash is its seed: that is
  // how a reader that lost a file's preamble (damage between concatenated
  // files) or its earlier blocks finds where that file's blocks start,
  // instead of applying one file's ids to another's records.
  if (payload.empty() || payload[0] != static_cast<std::byte>(EntryTag::file_header)) return false;
  Cursor in(payload.subspan(1));
  std::uint64_t body_size = 0;
  try {
    body_size = in.varint();
  } catch (const Malformed&) {
    return false;
  }
  if (body_size > static_cast<std::uint64_t>(payload.data() + payload.size() - in.position())) {
    return false;
  }
  const std::uint64_t seed = XXH3_64bits(in.position(), body_size);
  // Another file section (one with the same header would be a copy of this
  // one, whose ids mean the same): a format 3 one, or one of format 2,
  // whose blocks all start with the file header and use seed 0 (a 2.0 sink
  // appending to a file a 3.0 one left torn). Format 1 blocks are the same
  // but for their integers, and cannot be told from format 2 ones: the
  // newer is assumed.
  std::uint16_t major = 3;
  if (XXH3_64bits_withSeed(payload.data(), payload.size(), seed) != checksum) {
    if (checksum_seed_ == 0 && seed_known_) return false;  // seed 0 failed above
    if (XXH3_64bits_withSeed(payload.data(), payload.size(), 0) != checksum) return false;
    major = 2;
  }
  reset_tables();
  major_ = major == 3 ? std::max<std::uint16_t>(major_, 3) : major;
  checksum_seed_ = major == 3 ? seed : 0;
  seed_known_ = true;
  return true;
}

// Moves to the next good block; false when the input so far holds none.
bool BinaryReader::find_block() {
  // The marker's bytes, to search for when resynchronising.
  std::byte marker[4];
  std::memcpy(marker, &kSyncMarker, 4);
  while (position_ < buffer_.size()) {
    if (!have_preamble_ || (!in_bad_region_ && buffer_.size() - position_ >= sizeof kMagic &&
                            std::memcmp(buffer_.data() + position_, kMagic, sizeof kMagic) == 0)) {
      // The start of the input, or of another file concatenated to it.
      if (!parse_preamble()) return false;
      continue;
    }
    const std::size_t available = buffer_.size() - position_;
    const std::byte* p = buffer_.data() + position_;
    const std::uint64_t offset = buffer_offset_ + position_;
    bool plausible = available < 4 || load<std::uint32_t>(p) == kSyncMarker;
    if (plausible && available >= 8) plausible = load<std::uint32_t>(p + 4) <= kMaxPayload;
    if (plausible) {
      const std::size_t length = available >= 8 ? load<std::uint32_t>(p + 4) : 0;
      if (available < kBlockHeaderSize || available - kBlockHeaderSize < length) {
        if (!at_end_) return false;  // wait for the rest of the block
      } else if (verify_block({p + kBlockHeaderSize, length}, load<std::uint64_t>(p + 8))) {
        if (in_bad_region_) {
          in_bad_region_ = false;
          warn("offset " + std::to_string(bad_start_) + ": skipped " +
               std::to_string(offset - bad_start_) + " bytes (corrupt block)");
        }
        in_block_ = true;
        entry_ = position_ + kBlockHeaderSize;
        block_end_ = entry_ + length;
        block_offset_ = offset;
        previous_ns_ = 0;
        ++block_count_;
        position_ = block_end_;
        return true;
      }
    }
    // Not a good block here: skip to the next sync marker.
    if (!in_bad_region_) {
      in_bad_region_ = true;
      bad_start_ = offset;
    }
    const auto next = std::search(buffer_.begin() + static_cast<std::ptrdiff_t>(position_) + 1,
                                  buffer_.end(), std::begin(marker), std::end(marker));
    if (next != buffer_.end()) {
      position_ = static_cast<std::size_t>(next - buffer_.begin());
    } else if (at_end_) {
      position_ = buffer_.size();
    } else {
      // Keep three bytes: they may be the start of a marker.
      position_ = std::max(position_ + 1, buffer_.size() >= 3 ? buffer_.size() - 3 : 0);
      return false;
    }
  }
  if (at_end_ && in_bad_region_) {
    in_bad_region_ = false;
    const std::uint64_t end = buffer_offset_ + buffer_.size();
    warn("offset " + std::to_string(bad_start_) + ": skipped " + std::to_string(end - bad_start_) +
         " bytes (incomplete or corrupt block at end of input)");
  }
  return false;
}

// Decodes entries of the current block up to and including the next record;
// false at the end of the block (or of what of it could be parsed).
bool BinaryReader::next_in_block() {
  const std::span<const std::byte> rest(buffer_.data() + entry_, block_end_ - entry_);
  Cursor in(rest);
  try {
    while (!in.empty()) {
      const auto tag = static_cast<EntryTag>(in.u8());
      if (tag != EntryTag::record) {
        // A definition: tag, length, body. Unknown tags are skipped (a later
        // minor version's), and so are bytes a later minor version appends.
        const std::uint64_t length = in.varint();
        if (length > rest.size()) throw Malformed{"definition runs past the block"};
        decode_definition(tag, {in.take(length), length});
        continue;
      }
      Site* site = lookup(sites_, in.varint(), "call site");
      if (site->block != block_count_) {
        // Format 3 restarts the differences at every block. Format 2 writers
        // defined every site again in each block, which restarted them.
        std::fill(site->previous.begin(), site->previous.end(), 0);
        site->block = block_count_;
      }
      const std::string* logger = lookup(loggers_, in.varint(), "logger");
      const Thread* thread = lookup(threads_, in.varint(), "thread");
      const std::int64_t timestamp = previous_ns_ + unzigzag(in.varint());
      previous_ns_ = timestamp;
      if (arguments_ == Arguments::skip) {
        skip_arguments(in, site->wire_kinds);
        entry_ += static_cast<std::size_t>(in.position() - rest.data());
        RecordBuilder::reset(view_, {timestamp,
                                     &site->without_args,
                                     *logger,
                                     producer_.process_id,
                                     thread->id,
                                     thread->name,
                                     {}});
        ++records_;
        return true;
      }
      // The arguments, re-encoded in the in-memory layout decode_args reads.
      // Fixed kinds are written at constant widths (the copies inline), into
      // room reserved once per record; strings make more room as needed.
      if (args_.size() < site->fixed_bytes) args_.resize(2 * site->fixed_bytes + 64);
      std::byte* at = args_.data();
      const auto put = [&at](const auto value) {
        std::memcpy(at, &value, sizeof value);  // little-endian: narrowing keeps the low bytes
        at += sizeof value;
      };
      // Format 2 writes each integer as the difference from the same
      // argument of the site's previous record; format 1 writes the value.
      std::uint64_t* const previous = major_ >= 2 ? site->previous.data() : nullptr;
      const auto integer = [&](std::size_t i, bool is_signed) -> std::uint64_t {
        const std::uint64_t raw = in.varint();
        if (previous == nullptr) return is_signed ? static_cast<std::uint64_t>(unzigzag(raw)) : raw;
        return previous[i] += static_cast<std::uint64_t>(unzigzag(raw));  // wraps, as written
      };
      for (std::size_t i = 0; i < site->wire_kinds.size(); ++i) {
        switch (site->wire_kinds[i]) {
          case ArgKind::boolean:
          case ArgKind::character:
            *at++ = *in.take(1);
            break;
          case ArgKind::i8:
            put(static_cast<std::int8_t>(integer(i, true)));
            break;
          case ArgKind::i16:
            put(static_cast<std::int16_t>(integer(i, true)));
            break;
          case ArgKind::i32:
            put(static_cast<std::int32_t>(integer(i, true)));
            break;
          case ArgKind::i64:
            put(static_cast<std::int64_t>(integer(i, true)));
            break;
          case ArgKind::u8:
            put(static_cast<std::uint8_t>(integer(i, false)));
            break;
          case ArgKind::u16:
            put(static_cast<std::uint16_t>(integer(i, false)));
            break;
          case ArgKind::u32:
            put(static_cast<std::uint32_t>(integer(i, false)));
            break;
          case ArgKind::u64:
          case ArgKind::pointer:
            put(integer(i, false));
            break;
          case ArgKind::f32:
            std::memcpy(at, in.take(4), 4);
            at += 4;
            break;
          case ArgKind::f64:
            std::memcpy(at, in.take(8), 8);
            at += 8;
            break;
          case ArgKind::string:
          case ArgKind::custom: {
            const std::string_view text = in.string();
            const auto used = static_cast<std::size_t>(at - args_.data());
            // Room for this string and, at most, every fixed argument after it.
            const std::size_t need = used + 4 + text.size() + site->fixed_bytes;
            if (args_.size() < need) {
              args_.resize(2 * need);
              at = args_.data() + used;
            }
            put(static_cast<std::uint32_t>(text.size()));
            if (!text.empty()) std::memcpy(at, text.data(), text.size());
            at += text.size();
            break;
          }
        }
      }
      const auto used = static_cast<std::size_t>(at - args_.data());
      entry_ += static_cast<std::size_t>(in.position() - rest.data());
      RecordBuilder::reset(view_,
                           {timestamp, &site->call_site, *logger, producer_.process_id, thread->id,
                            thread->name, std::span<const std::byte>(args_.data(), used)});
      ++records_;
      return true;
    }
  } catch (const Malformed& e) {
    warn("offset " + std::to_string(block_offset_) + ": rest of block skipped (" + e.reason + ")");
  }
  entry_ = block_end_;
  return false;
}

void BinaryReader::decode_definition(EntryTag tag, std::span<const std::byte> bytes) {
  Cursor body(bytes);
  const std::size_t length = bytes.size();
  switch (tag) {
    case EntryTag::file_header: {
      producer_.process_id = static_cast<std::uint32_t>(body.varint());
      producer_.host = body.string();
      producer_.service_name = body.string();
      producer_.service_version = body.string();
      body.u8();  // clock: 0, the only one defined
      producer_.created_ns = unzigzag(body.varint());
      break;
    }
    case EntryTag::call_site: {
      auto site = std::make_unique<Site>();
      const std::uint64_t id = body.varint();
      const std::uint8_t level = body.u8();
      if (level > static_cast<std::uint8_t>(Level::critical)) throw Malformed{"bad level"};
      const std::uint64_t line = body.varint();
      site->format = body.string();
      site->file = body.string();
      site->function = body.string();
      const std::uint64_t count = body.varint();
      if (count > length) throw Malformed{"bad argument count"};
      std::uint32_t fields = 0;
      for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint8_t kind = body.u8();
        if (kind > static_cast<std::uint8_t>(ArgKind::custom)) throw Malformed{"bad argument kind"};
        site->wire_kinds.push_back(static_cast<ArgKind>(kind));
        site->field_names.emplace_back(body.string());
        if (!site->field_names.back().empty()) ++fields;
      }
      site->call_site.level = static_cast<Level>(level);
      site->call_site.line = static_cast<std::uint32_t>(line);
      auto& existing = slot(sites_, id);
      // Writers repeat definitions in every segment: keep an identical one, so
      // that its address stays the same and nothing is rebuilt.
      if (existing && same_site(*existing, *site)) {
        // A definition restarts the differences (format 2 and later).
        std::fill(existing->previous.begin(), existing->previous.end(), 0);
        existing->block = block_count_;
        break;
      }
      site->previous.assign(count, 0);
      site->block = block_count_;
      for (const ArgKind kind : site->wire_kinds) {
        site->fixed_bytes +=
            kind == ArgKind::string || kind == ArgKind::custom ? 4 : encoded_fixed_size(kind);
      }
      for (std::uint64_t i = 0; i < count; ++i) {
        // A custom value arrives as its text: to decode_args, a string.
        const ArgKind kind =
            site->wire_kinds[i] == ArgKind::custom ? ArgKind::string : site->wire_kinds[i];
        site->args.push_back(ArgInfo{kind, 0, site->field_names[i], nullptr});
      }
      site->call_site = CallSite{site->format,
                                 site->file,
                                 site->function,
                                 static_cast<std::uint32_t>(line),
                                 static_cast<Level>(level),
                                 site->args.data(),
                                 static_cast<std::uint32_t>(count),
                                 fields,
                                 nullptr,
                                 nullptr};
      site->without_args = site->call_site;
      site->without_args.args = nullptr;
      site->without_args.arg_count = 0;
      site->without_args.field_count = 0;
      if (existing) note_definitions_freed();
      existing = std::move(site);
      break;
    }
    case EntryTag::logger: {
      const std::uint64_t id = body.varint();
      const std::string_view name = body.string();
      auto& existing = slot(loggers_, id);
      if (!existing || *existing != name) {
        if (existing) note_definitions_freed();
        existing = std::make_unique<std::string>(name);
      }
      break;
    }
    case EntryTag::thread: {
      const std::uint64_t id = body.varint();
      const std::uint64_t os_id = body.varint();
      const std::string_view name = body.string();
      auto& existing = slot(threads_, id);
      if (!existing || existing->id != os_id || existing->name != name) {
        existing = std::make_unique<Thread>(Thread{os_id, std::string(name)});
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace sluice::detail::binlog
