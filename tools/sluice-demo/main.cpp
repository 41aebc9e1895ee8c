#include <sluice/sluice.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <cstdio>
int main() {
  auto sink = std::make_shared<sluice::CaptureSink>();
  sluice::root_logger().add_sink(sink);
  auto& log = sluice::get_logger("demo.api");
  SLUICE_INFO(log, "hello {} {} {}", 1, 2.5, std::string("str"), sluice::kv<"user_id">(42));
  SLUICE_INFO(log, "no args");
  sluice::flush();
  for (auto& l : sink->lines()) std::puts(l.c_str());
  auto st = sluice::stats();
  std::printf("processed %lu\n", (unsigned long)st.records_processed);
}
