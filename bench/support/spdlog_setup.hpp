#pragma once
// spdlog's asynchronous logger as the comparisons use it: one worker thread
// (pinned like sluice's backend), a basic_file_sink, the pattern that
// SpdlogLikeFormatter mirrors.

#include <spdlog/async_logger.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/sinks/basic_file_sink.h>

#include <memory>
#include <string>

#include "bench_sinks.hpp"
#include "bench_util.hpp"

namespace sluice_bench {

struct SpdlogAsync {
  std::shared_ptr<spdlog::details::thread_pool> pool;
  std::shared_ptr<spdlog::async_logger> logger;

  /// Flushes the file and waits until the worker has written every record:
  /// spdlog's flush() on an async logger only enqueues a flush request, so
  /// the only way to wait is to let the pool's destructor join its worker,
  /// which it does after the queue (with the flush request) is empty.
  void flush_and_stop() {
    if (!logger) return;
    logger->flush();
    logger.reset();
    pool.reset();
  }
};

inline SpdlogAsync make_spdlog_async(const std::string& path, std::size_t queue_items,
                                     spdlog::async_overflow_policy policy, int worker_cpu) {
  SpdlogAsync s;
  s.pool = std::make_shared<spdlog::details::thread_pool>(
      queue_items, 1, [worker_cpu] {
        if (worker_cpu >= 0) pin_this_thread(worker_cpu);
      });
  auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, /*truncate=*/true);
  s.logger = std::make_shared<spdlog::async_logger>("bench", std::move(sink), s.pool, policy);
  s.logger->set_pattern(kSpdlogPattern, spdlog::pattern_time_type::utc);
  s.logger->set_level(spdlog::level::info);
  s.logger->flush_on(spdlog::level::off);
  return s;
}

}  // namespace sluice_bench
