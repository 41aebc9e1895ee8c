// Messages formatted at run time straight from the encoded arguments
// (MessageFormatter::format_encoded and format_encoded_json, what decoded
// records take): byte for byte what the live, typed path renders, as text
// and as JSON, including where escaping piece by piece could differ from
// escaping the whole message (a UTF-8 sequence split across pieces).

#include <catch2/catch.hpp>
#include <sluice/formatter.hpp>
#include <sluice/kv.hpp>

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "arg_decoding.hpp"
#include "binary_format.hpp"
#include "record_fixture.hpp"

namespace {

using sluice::kv;
using sluice::Level;
using sluice::detail::SourceLocation;
using sluice::detail::binlog::BinaryEncoder;
using sluice::detail::binlog::BinaryReader;
using sluice::testing::RecordFixture;
using sluice::testing::RecordMeta;

constexpr SourceLocation kMixed{"a {} b {} c {} d {} e {}", "m.cpp", "f", 1, Level::info};
constexpr SourceLocation kTwo{"{}{}", "m.cpp", "f", 2, Level::info};
constexpr SourceLocation kEscapes{"tab\there \"{}\" {{literal}} \\ {} \x7f", "m.cpp", "f", 3,
                                  Level::info};
constexpr SourceLocation kBadLiteral{"caf\xC3{}", "m.cpp", "f", 4, Level::info};
constexpr SourceLocation kUtf8Literal{"Größe {} €", "m.cpp", "f", 5, Level::info};
constexpr SourceLocation kNumbers{"{} {} {} {} {} {} {} {}", "m.cpp", "f", 6, Level::info};
constexpr SourceLocation kSpec{"{:>6}|{}", "m.cpp", "f", 7, Level::info};
constexpr SourceLocation kFields{"{} then {}", "m.cpp", "f", 8, Level::info};

struct Rendered {
  std::string message;
  std::string json;
};

// Each record as the live path renders it, then as decoded from a binary log.
class RoundTrip {
 public:
  RoundTrip() : bytes_(BinaryEncoder::preamble()), encoder_({4242, "h", "", "", 0}) {}

  template <const SourceLocation& Location, class... Args>
  void add(const Args&... args) {
    const sluice::RecordView& view = record_.build<Location>(RecordMeta{}, args...);
    live_.push_back({std::string(view.message()), json(view)});
    encoder_.add(view);
  }

  // Pairs of (live, decoded).
  std::vector<std::pair<Rendered, Rendered>> decode() {
    encoder_.finish_block(bytes_);
    BinaryReader reader;
    reader.append(std::as_bytes(std::span(bytes_.data(), bytes_.size())));
    reader.end_input();
    std::vector<std::pair<Rendered, Rendered>> out;
    std::size_t i = 0;
    while (const sluice::RecordView* record = reader.next()) {
      REQUIRE(i < live_.size());
      // JSON first: it does not go through message(), which caches.
      std::string decoded_json = json(*record);
      out.push_back({live_[i++], {std::string(record->message()), std::move(decoded_json)}});
    }
    CHECK(i == live_.size());
    return out;
  }

 private:
  static std::string json(const sluice::RecordView& view) {
    std::string out;
    sluice::JsonFormatter().format(view, out);
    return out;
  }

  std::string bytes_;
  BinaryEncoder encoder_;
  RecordFixture record_;
  std::vector<Rendered> live_;
};

void check_all(RoundTrip& trip) {
  for (const auto& [live, decoded] : trip.decode()) {
    CHECK(decoded.message == live.message);
    CHECK(decoded.json == live.json);
  }
}

}  // namespace

TEST_CASE("decoded messages render as live ones: every kind, fields, escapes") {
  RoundTrip trip;
  trip.add<kMixed>(42, std::string("x\"y\n"), 0.5, true, 'q');
  trip.add<kMixed>(-1, std::string(""), 1e300, false, '"');
  trip.add<kEscapes>(std::string("\\"), std::string("\x01"));
  trip.add<kUtf8Literal>(std::string("groß"));
  trip.add<kNumbers>(std::int8_t{-128}, std::uint8_t{255}, std::int16_t{-3},
                     std::numeric_limits<std::uint64_t>::max(),
                     std::numeric_limits<std::int64_t>::min(), 0.1f, -0.0,
                     reinterpret_cast<const void*>(0x1234));
  trip.add<kSpec>(7, std::string("s"));  // a spec: fmt renders it, decoded and live
  trip.add<kFields>(1, kv<"k">(std::string("v\"")), 2, kv<"n">(3));
  check_all(trip);
}

TEST_CASE("decoded messages: a UTF-8 sequence split across pieces escapes as a whole") {
  RoundTrip trip;
  trip.add<kTwo>(std::string("\xE2\x82"), std::string("\xAC"));  // "€" from two strings
  trip.add<kTwo>('\xC3', std::string("\xA9"));                   // "é" from a char and a string
  trip.add<kTwo>(std::string("\xE2\x82"), 5);                    // truncated, then a number
  trip.add<kBadLiteral>(std::string("\xA9!"));  // "é" from the format and a string
  trip.add<kBadLiteral>(std::string("x"));
  check_all(trip);
  // And what that is: the whole message's escaping.
  RecordFixture record;
  std::string out;
  sluice::JsonFormatter().format(
      record.build<kTwo>(RecordMeta{}, std::string("\xE2\x82"), std::string("\xAC")), out);
  CHECK(out.find("\"message\":\"\xE2\x82\xAC\"") != std::string::npos);
}

TEST_CASE("format_encoded gives up, leaving the output as it was") {
  using sluice::ArgKind;
  using sluice::detail::ArgInfo;
  sluice::detail::MessageFormatter formatter;
  const ArgInfo ints[] = {{ArgKind::i32, 0, {}, nullptr}, {ArgKind::i32, 0, {}, nullptr}};
  std::byte bytes[8] = {};
  bytes[0] = std::byte{7};
  bytes[4] = std::byte{9};
  std::string out = "kept";
  CHECK(formatter.format_encoded("{} and {}", ints, bytes, out));
  CHECK(out == "kept7 and 9");
  out = "kept";
  CHECK_FALSE(formatter.format_encoded("{} and {}", ints, std::span(bytes, 6), out));  // short
  CHECK(out == "kept");
  CHECK_FALSE(formatter.format_encoded("{} {} {}", ints, bytes, out));  // too few arguments
  CHECK(out == "kept");
  CHECK_FALSE(formatter.format_encoded("{:x} {}", ints, bytes, out));  // a spec: fmt's job
  CHECK(out == "kept");
  // JSON into a buffer that has flushed part of the message already.
  const std::string long_format = std::string(600, 'x') + "{} {} {}";
  std::string text = "kept";
  sluice::detail::TextBuffer buffer(text);
  CHECK_FALSE(formatter.format_encoded_json(long_format, ints, bytes, buffer));
  buffer.flush();
  CHECK(text == "kept");
}
