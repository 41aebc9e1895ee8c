#pragma once
// Builds a RecordView for a given call site and arguments without the queues
// or the backend, so that formatters and sinks can be tested byte for byte.
//
//   static constexpr sluice::detail::SourceLocation kSite{
//       "user {} logged in", "src/app/main.cpp", "run", 42, sluice::Level::info};
//   sluice::testing::RecordFixture record;
//   record.build<kSite>(sluice::testing::RecordMeta{}, "alice", sluice::kv<"id">(7));
//   formatter.format(record.view(), out);

#include <sluice/detail/arg_encoding.hpp>
#include <sluice/detail/call_site.hpp>
#include <sluice/record.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "record_builder.hpp"

namespace sluice::testing {

/// 2026-11-23T11:50:51.123456789Z
inline constexpr std::int64_t kTestTimestampNs = 1'795'434'651'123'456'789;

/// What the backend would add to a record besides the call site and arguments.
struct RecordMeta {
  std::int64_t timestamp_ns = kTestTimestampNs;
  std::string logger = "app.db";
  std::uint32_t process_id = 4242;
  std::uint64_t thread_id = 777;
  std::string thread_name = "worker-1";
  std::uint64_t names_key = 0;  // see RecordView::names_key
};

/// Owns a record's bytes and metadata and the RecordView over them. build()
/// may be called again; the previous view is then invalid.
class RecordFixture {
 public:
  RecordFixture() = default;
  RecordFixture(const RecordFixture&) = delete;
  RecordFixture& operator=(const RecordFixture&) = delete;

  /// Encodes `args` as the hot path would for the call site `Location`.
  template <const detail::SourceLocation& Location, class... Args>
  const RecordView& build(RecordMeta meta, const Args&... args) {
    meta_ = std::move(meta);
    bytes_.assign(detail::encoded_args_size(args...), std::byte{0});
    detail::encode_args(bytes_.data(), args...);
    detail::RecordBuilder::reset(
        view_, detail::RecordBuilder::Source{
                   meta_.timestamp_ns, &detail::CallSiteOf<Location, Args...>::value, meta_.logger,
                   meta_.process_id, meta_.thread_id, meta_.thread_name,
                   std::span<const std::byte>(bytes_), 0, meta_.names_key});
    return view_;
  }

  const RecordView& view() const noexcept { return view_; }

 private:
  RecordMeta meta_;
  std::vector<std::byte> bytes_;
  RecordView view_;
};

}  // namespace sluice::testing
