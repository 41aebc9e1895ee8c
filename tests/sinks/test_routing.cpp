// The seeds' split of one process's logs into files: everything in
// general.log, ERROR and above also in errors.log, the `http` tree in
// requests.log only, the `security` tree in security.log and general.log.

#include <catch2/catch.hpp>
#include <sluice/formatter.hpp>
#include <sluice/log.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sinks/file_sink.hpp>
#include <sluice/sluice.hpp>

#include <memory>
#include <string>

#include "temp_dir.hpp"
#include "zstd_file.hpp"

TEST_CASE("routing by level and logger tree: general, errors, requests, security", "[routing]") {
  const sluice::testing::TempDir dir("sluice-routing");
  const auto pattern = std::make_shared<sluice::PatternFormatter>("{level} {logger}: {message}");
  const auto file = [&](const char* name) {
    sluice::FileOptions options;
    options.rotation.max_bytes = 10 << 20;
    options.rotation.backup_count = 10;
    return std::make_shared<sluice::FileSink>(dir / name, pattern, options);
  };
  auto general = file("general.log");
  auto errors = file("errors.log");
  errors->set_level(sluice::Level::error);
  auto requests = file("requests.log");
  auto security = file("security.log");

  sluice::Logger& root = sluice::root_logger();
  root.add_sink(general);
  root.add_sink(errors);
  sluice::Logger& http = sluice::get_logger("http");
  http.add_sink(requests);
  http.set_propagate(false);  // request lines stay out of general.log
  sluice::get_logger("security").add_sink(security);

  sluice::start();
  SLUICE_INFO(sluice::get_logger("app"), "started {}", 1);
  SLUICE_INFO(sluice::get_logger("http.access"), "GET /health {}", 200);
  SLUICE_ERROR(sluice::get_logger("http"), "upstream {} down", "db");
  SLUICE_WARNING(sluice::get_logger("security.auth"), "failed login for {}", "bob");
  SLUICE_CRITICAL(sluice::get_logger("app.db"), "pool {} exhausted", "main");
  sluice::flush();
  sluice::stop();
  root.clear_sinks();
  http.clear_sinks();
  http.set_propagate(true);
  sluice::get_logger("security").clear_sinks();

  using sluice::testing::read_log;
  CHECK(read_log(dir / "general.log") ==
        "INFO app: started 1\n"
        "WARNING security.auth: failed login for bob\n"
        "CRITICAL app.db: pool main exhausted\n");
  CHECK(read_log(dir / "errors.log") == "CRITICAL app.db: pool main exhausted\n");
  CHECK(read_log(dir / "requests.log") ==
        "INFO http.access: GET /health 200\n"
        "ERROR http: upstream db down\n");
  CHECK(read_log(dir / "security.log") == "WARNING security.auth: failed login for bob\n");
}
