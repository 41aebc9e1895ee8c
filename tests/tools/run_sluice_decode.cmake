# sluice-decode as users run it: the 1.0 sample decodes to its recorded JSON
# Lines (format compatibility), a truncated copy still prints its complete
# blocks and exits 1 with the warning on stderr, usage errors exit 2.
# Run with -DDECODE=<sluice-decode> -DDATA=<tests/data> -DWORK=<scratch dir>.

function(expect_exit code)
  if(NOT result EQUAL ${code})
    message(FATAL_ERROR "${ARGN}: exit ${result}, expected ${code}\nstderr: ${error}")
  endif()
endfunction()

set(sample ${DATA}/binlog-1.0.slog)
file(MAKE_DIRECTORY ${WORK})

execute_process(COMMAND ${DECODE} ${sample} OUTPUT_FILE ${WORK}/decoded.jsonl
                RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(0 "decoding the sample")
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/decoded.jsonl
                        ${DATA}/binlog-1.0.jsonl RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "the 1.0 sample no longer decodes to binlog-1.0.jsonl")
endif()

# The sample's blocks end at offsets 267, 537 and 792: cut into the last one.
execute_process(COMMAND head -c 600 ${sample} OUTPUT_FILE ${WORK}/torn.slog RESULT_VARIABLE result)
expect_exit(0 "head -c")
execute_process(COMMAND ${DECODE} - INPUT_FILE ${WORK}/torn.slog OUTPUT_VARIABLE out
                RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(1 "decoding a torn file")
if(NOT error STREQUAL "sluice-decode: <stdin>: offset 537: skipped 63 bytes (incomplete or corrupt block at end of input)\n")
  message(FATAL_ERROR "unexpected warning: ${error}")
endif()
string(REGEX MATCHALL "\n" lines "${out}")
list(LENGTH lines count)
if(NOT count EQUAL 4)
  message(FATAL_ERROR "a torn file printed ${count} records, expected 4")
endif()

execute_process(COMMAND ${DECODE} RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(2 "no arguments")
execute_process(COMMAND ${DECODE} --format yaml ${sample} RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(2 "an unknown format")
execute_process(COMMAND ${DECODE} ${DATA}/binlog-1.0.jsonl RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(2 "a file that is not a binary log")
execute_process(COMMAND ${DECODE} --help RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE error)
expect_exit(0 "--help")
execute_process(COMMAND ${DECODE} --format text --pattern "{level} {message}" ${sample}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE error)
expect_exit(0 "text output")
string(FIND "${out}" "INFO user alice\n\"x\" logged in from 1\n" found)
if(found EQUAL -1)
  message(FATAL_ERROR "unexpected text output:\n${out}")
endif()
