// sluice-demo: a small fake server logging through every sink.
//
// Worker threads handle fake HTTP requests (started/completed with
// durations), one user logs in (and one fails to), a slow query warns, and a
// payment fails with an exception, and some code logs a password, a card
// number and an API key (redacted before any sink sees them). Text, JSON and binary logs go to
// files under --out, split the way the seeds' deployments split them (general, errors, requests)
// and rotated small enough to rotate during the demo; the console shows WARNING and above.

#include <sluice/rotation.hpp>
#include <sluice/sinks/binary_file_sink.hpp>
#include <sluice/sinks/console_sink.hpp>
#include <sluice/sinks/file_sink.hpp>
#include <sluice/sluice.hpp>

#include <cxxabi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <typeinfo>
#include <vector>

namespace {

struct DemoOptions {
  std::filesystem::path out = "out/demo";
  int workers = 4;
  int requests_per_worker = 50;
};

int usage(const char* program, int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: %s [--out DIR] [--workers N] [--requests N]\n"
               "  Plays a small server through sluice's sinks:\n"
               "  DIR/app.log (text, everything), DIR/errors.log (ERROR and above),\n"
               "  DIR/requests.log (the http logger tree): rotated small, compressed;\n"
               "  DIR/app.jsonl (JSON lines, everything, not rotated);\n"
               "  DIR/app.slog (binary, rotated: sluice-decode DIR/app.slog*) and\n"
               "  DIR/archive.slog.zst (binary, compressed as written); console (WARNING+).\n"
               "  Those files of an earlier run in DIR are removed first.\n",
               program);
  return code;
}

std::string demangled(const std::type_info& type) {
  int status = 0;
  char* name = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string result = status == 0 && name != nullptr ? name : type.name();
  std::free(name);
  return result;
}

void charge_card(int order_id) {
  // Orders are every fourth request (ids 0, 4, 8 ...): two of the first 50 fail.
  if (order_id % 28 == 12) throw std::runtime_error("card processor timed out after 3000 ms");
}

void handle_request(int worker, int n) {
  static const char* const paths[] = {"/api/orders", "/api/users/me", "/api/search", "/health"};
  const sluice::Logger& http = sluice::get_logger("http.access");
  const int request_id = worker * 100000 + n;
  const std::string_view path = paths[n % 4];
  const auto started = std::chrono::steady_clock::now();
  SLUICE_INFO(http, "request started", sluice::kv<"request_id">(request_id),
              sluice::kv<"method">("GET"), sluice::kv<"path">(path));

  std::this_thread::sleep_for(std::chrono::microseconds(200 + (n * 37) % 800));
  int status = 200;
  if (path == "/api/orders") {
    const int order_id = request_id % 1000;
    try {
      charge_card(order_id);
    } catch (const std::exception& e) {
      status = 502;
      SLUICE_ERROR(sluice::get_logger("app.payments"), "payment for order {} failed", order_id,
                   sluice::kv<"request_id">(request_id),
                   sluice::kv<"exception_type">(demangled(typeid(e))),
                   sluice::kv<"exception_message">(e.what()));
    }
  }
  if (n % 40 == 39) {
    SLUICE_WARNING(sluice::get_logger("app.db"), "slow query on {} took {} ms", "orders", 1250,
                   sluice::kv<"request_id">(request_id));
  }
  const double duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  SLUICE_INFO(http, "request completed with status {}", status,
              sluice::kv<"request_id">(request_id), sluice::kv<"status">(status),
              sluice::kv<"duration_ms">(duration_ms));
}

void security_events() {
  const sluice::Logger& security = sluice::get_logger("security.auth");
  SLUICE_INFO(security, "user {} logged in", "alice", sluice::kv<"user_id">(42),
              sluice::kv<"client_ip">("203.0.113.7"), sluice::kv<"event_type">("login"));
  SLUICE_WARNING(security, "failed login for user {}", "mallory", sluice::kv<"attempts">(3),
                 sluice::kv<"client_ip">("198.51.100.23"),
                 sluice::kv<"event_type">("login_failed"));
}

// Secrets that people log by accident. Redaction (on by default) removes
// them on the backend, before any sink: scripts/demo.sh checks that none
// reaches a file.
void careless_logging() {
  const sluice::Logger& auth = sluice::get_logger("app.auth");
  SLUICE_INFO(auth, "login user={} password={}", "alice@example.com", "hunter2");
  // The key in one argument, its value in the next (Python's "%s=%s").
  SLUICE_INFO(auth, "config {}={}", "db_password", "s3cr3t-db-pass");
  SLUICE_WARNING(auth, "payment declined card={} cvv={}", "4111 1111 1111 1111", 123,
                 sluice::kv<"api_key">("sk_live_51H8abcdEFGH1234ijkl"));
}

// The files an earlier run left in DIR: its rotated parts would otherwise
// join this run's sets (the active files are truncated, the parts are not).
// Only the demo's own names, and only files.
void remove_earlier_run(const std::filesystem::path& dir) {
  static const std::regex own(
      R"((app|errors|requests)(\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(_\d+)?)?\.s?log(\.\d+)?(\.zst)?(\.tmp)?)"
      R"(|app\.jsonl|archive\.slog\.zst)");
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) return;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto type = entry.symlink_status().type();
    if ((type == std::filesystem::file_type::regular ||
         type == std::filesystem::file_type::symlink) &&
        std::regex_match(entry.path().filename().string(), own)) {
      std::filesystem::remove(entry.path());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  DemoOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") return usage(argv[0], 0);
    if (arg == "--out" && has_value) {
      options.out = argv[++i];
    } else if (arg == "--workers" && has_value) {
      options.workers = std::atoi(argv[++i]);
    } else if (arg == "--requests" && has_value) {
      options.requests_per_worker = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "sluice-demo: unknown or incomplete option '%s'\n", argv[i]);
      return usage(argv[0], 2);
    }
  }
  if (options.workers < 1 || options.requests_per_worker < 1) {
    std::fprintf(stderr, "sluice-demo: --workers and --requests must be at least 1\n");
    return 2;
  }

  // Every error sluice reports (a sink's, a rotation's) fails the demo; the
  // handler runs on the backend and rotation threads, all joined before the end.
  static std::atomic<std::uint64_t> reported_errors{0};
  sluice::set_error_handler([](std::string_view message) {
    reported_errors.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "sluice: %.*s\n", static_cast<int>(message.size()), message.data());
  });

  try {
    remove_earlier_run(options.out);
    sluice::Logger& root = sluice::root_logger();
    root.set_level(sluice::Level::debug);
    auto text = std::make_shared<sluice::PatternFormatter>(
        "{timestamp} {level:<8} [{thread_name}] {logger}: {message}{fields}");
    // Rotation small enough to happen during the demo; real deployments use
    // megabytes (docs/rotation.md).
    const auto rotating = [](std::uint64_t max_bytes, std::size_t backups,
                             sluice::RotatedNames naming = sluice::RotatedNames::index) {
      sluice::Rotation rotation;
      rotation.max_bytes = max_bytes;
      rotation.backup_count = backups;
      rotation.naming = naming;
      return rotation;
    };
    root.add_sink(std::make_shared<sluice::FileSink>(
        options.out / "app.log", text,
        sluice::FileOptions{.truncate = true, .rotation = rotating(16 * 1024, 3)}));
    auto errors = std::make_shared<sluice::FileSink>(
        options.out / "errors.log", text,
        sluice::FileOptions{.truncate = true, .rotation = rotating(1024, 10)});
    errors->set_level(sluice::Level::error);
    root.add_sink(errors);
    sluice::get_logger("http").add_sink(std::make_shared<sluice::FileSink>(
        options.out / "requests.log", text,
        sluice::FileOptions{.truncate = true,
                            .rotation = rotating(8 * 1024, 20, sluice::RotatedNames::timestamp)}));
    root.add_sink(std::make_shared<sluice::FileSink>(
        options.out / "app.jsonl",
        std::make_shared<sluice::JsonFormatter>(sluice::JsonOptions{
            .static_fields = {{"service_name", "sluice-demo"}, {"environment", "demo"}}}),
        sluice::FileOptions{.truncate = true}));
    root.add_sink(std::make_shared<sluice::BinaryFileSink>(
        options.out / "app.slog", sluice::BinaryFileOptions{.truncate = true,
                                                            .rotation = rotating(4 * 1024, 0),
                                                            .service_name = "sluice-demo",
                                                            .service_version = "1.0"}));
    root.add_sink(std::make_shared<sluice::BinaryFileSink>(
        options.out / "archive.slog.zst",  // zstd-compressed, chosen by the name
        sluice::BinaryFileOptions{
            .truncate = true, .service_name = "sluice-demo", .service_version = "1.0"}));
    auto console = std::make_shared<sluice::ConsoleSink>(
        sluice::ConsoleOptions{.split_by_level = true},
        std::make_shared<sluice::PatternFormatter>("{level:<8} {logger}: {message}{fields}"));
    console->set_level(sluice::Level::warning);
    root.add_sink(console);
  } catch (const std::exception& e) {  // sluice::Error, std::filesystem::filesystem_error
    std::fprintf(stderr, "sluice-demo: %s\n", e.what());
    return 1;
  }

  sluice::start();
  sluice::set_thread_name("main");
  const sluice::Logger& app = sluice::get_logger("app");
  SLUICE_INFO(app, "demo server starting with {} workers", options.workers);
  security_events();
  careless_logging();

  std::vector<std::thread> workers;
  for (int w = 0; w < options.workers; ++w) {
    workers.emplace_back([w, &options] {
      sluice::set_thread_name("worker-" + std::to_string(w));
      for (int n = 0; n < options.requests_per_worker; ++n) handle_request(w, n);
    });
  }
  for (auto& worker : workers) worker.join();

  SLUICE_INFO(app, "demo server stopped");
  sluice::flush();
  const sluice::Stats stats = sluice::stats();
  sluice::stop();
  // The sinks' destructors wait for their rotated files to be compressed.
  sluice::root_logger().clear_sinks();
  sluice::get_logger("http").clear_sinks();
  std::printf(
      "sluice-demo: %llu records written to %s: app.log, errors.log, requests.log (rotated),\n"
      "app.jsonl, app.slog (rotated) and archive.slog.zst (%llu dropped, %llu sink errors)\n",
      static_cast<unsigned long long>(stats.records_processed), options.out.c_str(),
      static_cast<unsigned long long>(stats.records_dropped),
      static_cast<unsigned long long>(stats.sink_errors));
  const std::uint64_t errors = reported_errors.load(std::memory_order_relaxed);
  if (errors != 0) {
    std::fprintf(stderr, "sluice-demo: errors reported: %llu (above)\n",
                 static_cast<unsigned long long>(errors));
  }
  return stats.sink_errors == 0 && errors == 0 ? 0 : 1;
}
