# sluice-demo run by hand, as README describes it (scripts/run-demo.sh checks
# one fresh run): run again into the same --out, the rotated binary set
# (`sluice-decode DIR/app.slog*`) holds the new run's records only, as
# app.jsonl does, not the earlier run's rotated parts too. And an error the
# library reports (here: a rotated part that retention cannot delete) fails
# the demo, not only a sink's write or flush. And scripts/run-demo.sh fails
# when sluice-decode fails on archive.slog.zst, even if what it printed
# before failing matches.
# Run with -DDEMO=<sluice-demo> -DDECODE=<sluice-decode> -DRUN_DEMO=<run-demo.sh>
# -DWORK=<scratch dir>.

function(expect_exit code)
  if(NOT result EQUAL ${code})
    message(FATAL_ERROR "${ARGN}: exit ${result}, expected ${code}\nstderr: ${error}")
  endif()
endfunction()

function(count_lines file var)
  file(STRINGS ${file} lines)
  list(LENGTH lines count)
  set(${var} ${count} PARENT_SCOPE)
endfunction()

set(out ${WORK}/rerun)
file(REMOVE_RECURSE ${out})
foreach(run first second)
  execute_process(COMMAND ${DEMO} --out ${out} OUTPUT_QUIET
                  RESULT_VARIABLE result ERROR_VARIABLE error)
  expect_exit(0 "the ${run} run")
endforeach()
file(GLOB slogs ${out}/app.slog*)
execute_process(COMMAND ${DECODE} ${slogs} OUTPUT_FILE ${WORK}/rerun.jsonl
                RESULT_VARIABLE result ERROR_VARIABLE error)
expect_exit(0 "decoding ${out}/app.slog*")
count_lines(${WORK}/rerun.jsonl decoded)
count_lines(${out}/app.jsonl expected)
if(NOT decoded EQUAL expected)
  message(FATAL_ERROR "after a second run into the same --out, app.slog* decodes to ${decoded} "
                      "records, app.jsonl has ${expected}: an earlier run's files were left in the set")
endif()

# A non-empty directory where app.log's fourth part goes: after the third
# rotation, retention cannot delete it (reported by the rotation worker).
set(out ${WORK}/undeletable)
file(REMOVE_RECURSE ${out})
file(WRITE ${out}/app.log.3.zst/keep "")
execute_process(COMMAND ${DEMO} --out ${out} --requests 100 OUTPUT_QUIET
                RESULT_VARIABLE result ERROR_VARIABLE error)
if(NOT error MATCHES "app.log\" \\(rotation\\): cannot delete old log file")
  message(FATAL_ERROR "no rotation error reported\nstderr: ${error}")
endif()
expect_exit(1 "a run whose rotation failed")

# A decoder that prints the records, then fails on archive.slog.zst (as it
# does with a torn or corrupt end: it prints the complete blocks, exits 1).
set(failing_decode ${WORK}/decode-fails-on-archive)
file(WRITE ${failing_decode} "#!/bin/sh\n\"${DECODE}\" \"$@\" || exit\n"
                             "case \"$*\" in *archive.slog.zst) exit 1 ;; esac\n")
file(CHMOD ${failing_decode} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
execute_process(COMMAND bash ${RUN_DEMO} ${DEMO} ${failing_decode} ${WORK}/decoder-fails
                OUTPUT_QUIET RESULT_VARIABLE result ERROR_VARIABLE error)
if(result EQUAL 0)
  message(FATAL_ERROR "run-demo.sh passed although the decoder failed on archive.slog.zst")
endif()
if(NOT error MATCHES "run-demo.sh: [^\n]*archive.slog.zst")
  message(FATAL_ERROR "run-demo.sh failed without saying why\nstderr: ${error}")
endif()
