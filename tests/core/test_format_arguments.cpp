// The compile-time count of arguments a format string uses (the check that
// rejects unused arguments). static_asserts fail the build; the test case
// exists so that ctest lists the check.

#include <catch2/catch.hpp>

#include <cstdint>

#include "sluice/log.hpp"

using sluice::detail::count_format_arguments;

static_assert(count_format_arguments("") == 0);
static_assert(count_format_arguments("no placeholders") == 0);
static_assert(count_format_arguments("{} {}") == 2);
static_assert(count_format_arguments("{{}} {}") == 1);
static_assert(count_format_arguments("}}{{") == 0);
static_assert(count_format_arguments("{:>{}} {:.{}f}") == 4);
static_assert(count_format_arguments("{1} {0} {1}") == 2);
static_assert(count_format_arguments("{0:{1}}") == 2);
static_assert(count_format_arguments("{:%Y-%m}") == 1);

TEST_CASE("format strings count automatic, manual and nested arguments") {
  CHECK(count_format_arguments("{} and {:{}}") == 3);
  // Explicit indices count only as far as none is skipped: an argument no
  // placeholder names is unused.
  CHECK(count_format_arguments("{2}") == 0);
  CHECK(count_format_arguments("{0} {2}") == 1);
  CHECK(count_format_arguments("{2} {1} {0}") == 3);
  CHECK(count_format_arguments("{1:{0}}") == 2);
  CHECK(count_format_arguments("{64} {0}") == 65);  // beyond the tracked indices
}

using sluice::detail::dynamic_spec_arguments;

// Which arguments are a dynamic width or precision: the check that refuses
// a bool or char there (tests/compile_fail/bool_dynamic_width.cpp).
static_assert(dynamic_spec_arguments("{} {:>8.3f}") == 0);
static_assert(dynamic_spec_arguments("{:{}}") == 0b10);
static_assert(dynamic_spec_arguments("{:{}.{}f} {}") == 0b0110);
static_assert(dynamic_spec_arguments("[{:{}}] [{:<{}}] [{:>{}}]") == 0b101010);
static_assert(dynamic_spec_arguments("{1} {0:.{1}f}") == 0b10);
static_assert(dynamic_spec_arguments("{2:{0}.{1}}") == 0b11);
static_assert(dynamic_spec_arguments("{{:{}}} {}") == 0);  // escaped braces

TEST_CASE("format strings name their dynamic widths and precisions") {
  CHECK(dynamic_spec_arguments("{:{}} {:.{}}") == 0b1010);
  CHECK(dynamic_spec_arguments("{0:{63}}") == std::uint64_t{1} << 63);
  CHECK(dynamic_spec_arguments("{0:{64}}") == 0);  // beyond the tracked indices
}
