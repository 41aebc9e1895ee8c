#pragma once
// The four messages every latency benchmark logs, written once for each
// logger so that all cases log exactly the same thing:
//   int_int_double  "Logging int: {}, int: {}, double: {}"   (i, i*2, i*0.5)
//   int_int_string  the same with a 53-character std::string instead of the double
//   static_text     a constant string, no arguments
//   fields          four named fields of mixed kinds (int, string, double, bool);
//                   spdlog gets the same values formatted into its message.

#include <sluice/kv.hpp>
#include <sluice/log.hpp>

#include <string>
#include <string_view>
#include <vector>
#if SLUICE_BENCH_HAVE_SPDLOG
#include <spdlog/logger.h>
#endif

#include "floor_ring.hpp"

namespace sluice_bench {

#define SLUICE_BENCH_INLINE [[gnu::always_inline]] static inline

// The issue asks for a string of 40+ characters, copied by every call.
inline constexpr std::string_view kLongTextChars =
    "a std::string that is well over forty characters long";
static_assert(kLongTextChars.size() == 53);
inline const std::string kLongText{kLongTextChars};
inline constexpr std::string_view kEndpoint = "/api/v2/orders/search";

struct IntIntDouble {
  static constexpr const char* name = "int_int_double";
  SLUICE_BENCH_INLINE void log_sluice(const sluice::Logger& log, int i) {
    SLUICE_INFO(log, "Logging int: {}, int: {}, double: {}", i, i * 2, i * 0.5);
  }
#if SLUICE_BENCH_HAVE_SPDLOG
  SLUICE_BENCH_INLINE void log_spdlog(spdlog::logger& log, int i) {
    log.info("Logging int: {}, int: {}, double: {}", i, i * 2, i * 0.5);
  }
#endif
};

struct IntIntString {
  static constexpr const char* name = "int_int_string";
  SLUICE_BENCH_INLINE void log_sluice(const sluice::Logger& log, int i) {
    SLUICE_INFO(log, "Logging int: {}, int: {}, string: {}", i, i * 2, kLongText);
  }
#if SLUICE_BENCH_HAVE_SPDLOG
  SLUICE_BENCH_INLINE void log_spdlog(spdlog::logger& log, int i) {
    log.info("Logging int: {}, int: {}, string: {}", i, i * 2, kLongText);
  }
#endif
};

struct StaticText {
  static constexpr const char* name = "static_text";
  SLUICE_BENCH_INLINE void log_sluice(const sluice::Logger& log, int) {
    SLUICE_INFO(log, "Logging a static string: no arguments to copy or to format");
  }
#if SLUICE_BENCH_HAVE_SPDLOG
  SLUICE_BENCH_INLINE void log_spdlog(spdlog::logger& log, int) {
    log.info("Logging a static string: no arguments to copy or to format");
  }
#endif
};

struct Fields {
  static constexpr const char* name = "fields";
  SLUICE_BENCH_INLINE void log_sluice(const sluice::Logger& log, int i) {
    SLUICE_INFO(log, "Request served", sluice::kv<"user_id">(i), sluice::kv<"endpoint">(kEndpoint),
                sluice::kv<"latency_ms">(i * 0.25), sluice::kv<"cache_hit">(i % 3 == 0));
  }
#if SLUICE_BENCH_HAVE_SPDLOG
  SLUICE_BENCH_INLINE void log_spdlog(spdlog::logger& log, int i) {
    log.info("Request served user_id={} endpoint={} latency_ms={} cache_hit={}", i, kEndpoint,
             i * 0.25, i % 3 == 0);
  }
#endif
};

// The floor is the same for every message: a timestamp, a call-site pointer
// and 16 bytes of arguments.
template <class Message>
SLUICE_BENCH_INLINE void log_floor(FloorRing& ring, int i) {
  static constexpr const char* site = Message::name;
  ring.push(&site, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(i) * 2);
}

inline const std::vector<std::string> kMessageNames = {IntIntDouble::name, IntIntString::name,
                                                       StaticText::name, Fields::name};

/// Calls f.template operator()<Message>() for the message named `name`.
template <class F>
void with_message(const std::string& name, F&& f) {
  if (name == IntIntDouble::name)
    f.template operator()<IntIntDouble>();
  else if (name == IntIntString::name)
    f.template operator()<IntIntString>();
  else if (name == StaticText::name)
    f.template operator()<StaticText>();
  else if (name == Fields::name)
    f.template operator()<Fields>();
}

}  // namespace sluice_bench
