#pragma once
// Inputs: bytes from a file, stdin or a followed file, plain or
// zstd-compressed (told by content, by BinaryInput), turned into records one
// at a time by a BinaryReader.

#include <sluice/record.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "binary_format.hpp"
#include "binary_input.hpp"
#include "output.hpp"

namespace sluice::detail::decode {

struct ReadResult {
  enum Kind {
    data,     // `size` bytes were read
    end,      // the input ended
    restart,  // a new file starts here (the followed file was rotated)
    // The same file starts again from offset 0 (copytruncate): its writer
    // writes on, without a new preamble, with the definitions it gave.
    truncated,
  };
  Kind kind;
  std::size_t size = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// @throws sluice::Error when reading fails.
  virtual ReadResult read(std::span<std::byte> into) = 0;
};

/// A file, or standard input for "-", read to its end.
/// @throws sluice::Error "cannot open NAME: reason".
std::unique_ptr<ByteSource> open_file(const std::string& name);

/// The label messages give an input: its name, or <stdin>.
std::string input_label(const std::string& name);

/// The records of one input, pulled one at a time. Warnings and errors go to
/// `diagnostics`; after an error (unreadable, not a binary log) the stream
/// ends. Memory follows what is read: reads start at a page and grow while
/// they fill their buffer, and an input that has ended holds nothing (its
/// file closed, its reader freed), so that the hundreds of small files of a
/// rotated set, all open at once for the merge, cost a page or so each.
class RecordStream {
 public:
  /// `arguments`: whether the records need their arguments (see
  /// binlog::Arguments; stats without --field or --grep do not).
  RecordStream(std::unique_ptr<ByteSource> source, std::string label, Diagnostics& diagnostics,
               binlog::Arguments arguments = binlog::Arguments::decode);

  /// The next record, valid until the next call; nullptr at the end.
  const RecordView* next();
  std::uint64_t bytes_read() const noexcept { return bytes_read_; }
  const std::string& label() const noexcept { return label_; }
  /// When the file section of the record next() returned last was started
  /// (its file header's `created`; 0 before one is read, or once the stream
  /// has ended).
  std::int64_t section_created_ns() const noexcept {
    return reader_ ? reader_->producer().created_ns : 0;
  }

 private:
  void start_reader();
  ReadResult read();
  void end();  // frees everything but the label and the counts

  std::unique_ptr<ByteSource> source_;
  std::string label_;
  Diagnostics& diagnostics_;
  binlog::Arguments arguments_;
  std::unique_ptr<binlog::BinaryReader> reader_;
  std::unique_ptr<binlog::BinaryInput> input_;  // decompresses into reader_
  // Not zero-filled: read() writes before anything reads.
  std::unique_ptr<std::byte[]> chunk_;
  std::size_t chunk_capacity_ = 0;
  std::size_t read_size_;  // the next read's
  std::uint64_t bytes_read_ = 0;
  bool restart_pending_ = false;
  bool truncate_pending_ = false;
  bool ended_ = false;
};

}  // namespace sluice::detail::decode
