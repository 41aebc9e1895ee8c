# sluice-decode as users run it: the 1.0 and 2.0 samples decode to their
# recorded JSON Lines (format compatibility), plain or zstd-compressed (recognised by
# content) or both concatenated; a truncated copy still prints its complete
# blocks (frames) and exits 1 with the warning on stderr, usage errors exit 2
# with their exact message, stats and logfmt work from the command line, and
# more files than the soft open-file limit all decode.
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

# The 2.0 sample (integers as differences): the same records.
execute_process(COMMAND ${DECODE} ${DATA}/binlog-2.0.slog OUTPUT_FILE ${WORK}/decoded-2.0.jsonl
                RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(0 "decoding the 2.0 sample")
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/decoded-2.0.jsonl
                        ${DATA}/binlog-2.0.jsonl RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "the 2.0 sample no longer decodes to binlog-2.0.jsonl")
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

# The same sample compressed as BinaryFileSink compresses (a frame per flush;
# its frames start at offsets 0, 263 and 529), named without .zst.
set(compressed ${DATA}/binlog-1.0.slog.zst)
file(COPY_FILE ${compressed} ${WORK}/compressed.bin)
execute_process(COMMAND ${DECODE} ${WORK}/compressed.bin OUTPUT_FILE ${WORK}/decoded-zst.jsonl
                RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(0 "decoding the compressed sample")
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/decoded-zst.jsonl
                        ${DATA}/binlog-1.0.jsonl RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "the compressed 1.0 sample does not decode to binlog-1.0.jsonl")
endif()

execute_process(COMMAND head -c 600 ${compressed} OUTPUT_FILE ${WORK}/torn.slog.zst RESULT_VARIABLE result)
expect_exit(0 "head -c")
execute_process(COMMAND ${DECODE} ${WORK}/torn.slog.zst OUTPUT_VARIABLE out
                RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(1 "decoding a torn compressed file")
if(NOT error STREQUAL "sluice-decode: ${WORK}/torn.slog.zst: offset 529: incomplete zstd frame at end of input (71 bytes; the records it held up to the cut are decoded)\n")
  message(FATAL_ERROR "unexpected warning: ${error}")
endif()
string(REGEX MATCHALL "\n" lines "${out}")
list(LENGTH lines count)
if(NOT count EQUAL 4)
  message(FATAL_ERROR "a torn compressed file printed ${count} records, expected 4")
endif()

# Compressed and plain, concatenated, from standard input.
execute_process(COMMAND cat ${compressed} ${sample} ${compressed}
                COMMAND ${DECODE} - OUTPUT_VARIABLE out RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(0 "decoding compressed and plain concatenated")
string(REGEX MATCHALL "\n" lines "${out}")
list(LENGTH lines count)
if(NOT count EQUAL 18)
  message(FATAL_ERROR "compressed + plain + compressed printed ${count} records, expected 18")
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

# Usage errors: exit 2, the exact message on stderr, nothing on stdout.
function(expect_usage_error message)
  execute_process(COMMAND ${DECODE} ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out
                  ERROR_VARIABLE error)
  expect_exit(2 "sluice-decode ${ARGN}")
  set(expected "sluice-decode: ${message}\nTry 'sluice-decode --help'.\n")
  if(NOT error STREQUAL expected OR NOT out STREQUAL "")
    message(FATAL_ERROR "sluice-decode ${ARGN}:\nstderr: ${error}\nexpected: ${expected}stdout: ${out}")
  endif()
endfunction()
expect_usage_error("unknown level \"loud\": expected TRACE, DEBUG, INFO, WARNING, ERROR or CRITICAL"
                   --level loud ${sample})
expect_usage_error("invalid --since value \"yesterday\": expected an ISO 8601 time such as 2026-11-23T10:00:00Z or 2026-11-23T10:00:00.5+01:00, or a relative time such as -15m, -2h, -30s or -1d"
                   --since yesterday ${sample})
expect_usage_error("unknown format \"yaml\": json, logfmt or text" --format yaml ${sample})
expect_usage_error("--follow needs exactly one FILE (not -)" --follow ${sample} ${sample})
expect_usage_error("no input: give FILE... or - for standard input" stats)

# An input that cannot be opened: exit 2, the others still decoded.
execute_process(COMMAND ${DECODE} --format text --pattern "{line}" ${WORK}/missing.slog ${sample}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE error)
expect_exit(2 "a missing input")
if(NOT error STREQUAL "sluice-decode: ${WORK}/missing.slog: cannot open ${WORK}/missing.slog: No such file or directory\n")
  message(FATAL_ERROR "unexpected error for a missing input: ${error}")
endif()
string(REGEX MATCHALL "\n" lines "${out}")
list(LENGTH lines count)
if(NOT count EQUAL 6)
  message(FATAL_ERROR "with a missing input, the sample printed ${count} records, expected 6")
endif()

# --help lists the new options and exits 0 (checked above); stats and logfmt.
execute_process(COMMAND ${DECODE} --help OUTPUT_VARIABLE out RESULT_VARIABLE result)
foreach(option stats --follow --level --logger --since --until --thread --field --grep --top logfmt)
  string(FIND "${out}" "${option}" found)
  if(found EQUAL -1)
    message(FATAL_ERROR "--help does not mention ${option}")
  endif()
endforeach()
execute_process(COMMAND ${DECODE} stats ${sample} RESULT_VARIABLE result OUTPUT_VARIABLE out
                ERROR_VARIABLE error)
expect_exit(0 "stats")
string(FIND "${out}" "records   6\nbytes     792 (132.0 per record)\n" found)
if(NOT found EQUAL 0 OR NOT error STREQUAL "")
  message(FATAL_ERROR "unexpected stats:\n${out}\nstderr: ${error}")
endif()
execute_process(COMMAND ${DECODE} stats - INPUT_FILE ${WORK}/torn.slog RESULT_VARIABLE result
                OUTPUT_VARIABLE out ERROR_VARIABLE error)
expect_exit(1 "stats of a torn file")
execute_process(COMMAND ${DECODE} --format logfmt --level warning ${sample} ${sample}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE error)
expect_exit(0 "logfmt, filtered, merged")
string(REGEX MATCHALL "level=WARNING" lines "${out}")
list(LENGTH lines count)
string(REGEX MATCHALL "\n" all "${out}")
list(LENGTH all total)
if(NOT count EQUAL 6 OR NOT total EQUAL 6)
  message(FATAL_ERROR "logfmt --level warning of the sample twice: ${count} of ${total} lines")
endif()

# A rotated set larger than the soft open-file limit (1024 by default, and
# BinaryFileSink keeps every rotated file unless told otherwise): the merge
# holds every input open, so sluice-decode raises the soft limit as far as
# the hard one allows rather than leave files out.
set(many)
foreach(i RANGE 1 40)
  file(COPY_FILE ${sample} ${WORK}/many.slog.${i})
  list(APPEND many ${WORK}/many.slog.${i})
endforeach()
execute_process(COMMAND sh -c "ulimit -Sn 24 && exec \"$0\" \"$@\"" ${DECODE} ${many}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE error)
expect_exit(0 "40 files under a soft limit of 24 open files")
string(REGEX MATCHALL "\n" lines "${out}")
list(LENGTH lines count)
if(NOT count EQUAL 240 OR NOT error STREQUAL "")
  message(FATAL_ERROR "40 files under a soft limit of 24 open files: ${count} records, expected 240\nstderr: ${error}")
endif()

# "-" and /dev/stdin are the same pipe: two readers would each get part of
# it (14066 of 14472 records, with "not a sluice binary log" and "corrupt
# zstd frame"). The second is left out, with exit 2; the first reads it all.
execute_process(COMMAND sh -c "cat \"$1\" | \"$0\" - /dev/stdin" ${DECODE} ${sample}
                OUTPUT_FILE ${WORK}/stdin-twice.jsonl RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(2 "- and /dev/stdin on one pipe")
if(NOT error STREQUAL "sluice-decode: /dev/stdin: the same stream as <stdin>, which can be read only once: left out\n")
  message(FATAL_ERROR "- and /dev/stdin on one pipe: stderr: ${error}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/stdin-twice.jsonl
                        ${DATA}/binlog-1.0.jsonl RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "- and /dev/stdin on one pipe: not every record of the sample, once")
endif()
