// The compile-time count of arguments a format string uses (the check that
// rejects unused arguments). static_asserts fail the build; the test case
// exists so that ctest lists the check.

#include <catch2/catch.hpp>

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
