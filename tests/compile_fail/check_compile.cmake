# Compiles one source file with the compiler sluice is built with and checks
# the outcome. Run by ctest as `cmake -P`:
#   -DCOMPILER_ENV=<file>  sets CXX and CXX_FLAGS (written at configure time)
#   -DSOURCE=<file>        the translation unit
#   -DEXPECT=fail|pass
#   -DDEFINE=<NAME>        optional extra -D
# With EXPECT=fail the compiler must fail AND its diagnostics must match the
# regex on the source's `// expect-error: <regex>` line, so that a case cannot
# pass by failing for an unrelated reason (a typo, a missing include).

include(${COMPILER_ENV})

set(extra)
if(DEFINE)
  list(APPEND extra -D${DEFINE})
endif()
# A case may add flags on a `// flags: <flags>` line; they come after the
# defaults, so `-std=gnu++20` there overrides `-std=c++20`.
file(STRINGS ${SOURCE} flag_lines REGEX "^// flags: ")
foreach(line IN LISTS flag_lines)
  string(REGEX REPLACE "^// flags: " "" line "${line}")
  separate_arguments(line UNIX_COMMAND "${line}")
  list(APPEND extra ${line})
endforeach()
execute_process(
  COMMAND ${CXX} ${CXX_FLAGS} ${extra} -fsyntax-only ${SOURCE}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)

if(EXPECT STREQUAL "pass")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "expected ${SOURCE} to compile, but it failed:\n${out}")
  endif()
  message(STATUS "compiled as expected: ${SOURCE}")
elseif(EXPECT STREQUAL "fail")
  file(STRINGS ${SOURCE} expect_lines REGEX "^// expect-error: ")
  list(LENGTH expect_lines n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "${SOURCE} needs exactly one `// expect-error: <regex>` line")
  endif()
  string(REGEX REPLACE "^// expect-error: " "" pattern "${expect_lines}")
  if(rc EQUAL 0)
    message(FATAL_ERROR "expected ${SOURCE} NOT to compile, but it did")
  endif()
  if(NOT out MATCHES "${pattern}")
    message(FATAL_ERROR
      "${SOURCE} failed to compile, but not with the expected diagnostic `${pattern}`:\n${out}")
  endif()
  message(STATUS "failed as expected with `${pattern}`: ${SOURCE}")
else()
  message(FATAL_ERROR "EXPECT must be fail or pass, not '${EXPECT}'")
endif()
