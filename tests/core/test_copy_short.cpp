// detail::copy_short: every length from 0 to 40 copies exactly those bytes.

#include <catch2/catch.hpp>
#include <sluice/detail/copy_short.hpp>

#include <string>

TEST_CASE("copy_short copies exactly n bytes for every length") {
  const std::string source = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH";
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string target(48, '.');
    sluice::detail::copy_short(target.data() + 2, source.data(), n);
    INFO("n = " << n);
    CHECK(target == ".." + source.substr(0, n) + std::string(46 - n, '.'));
  }
}
