# A libFuzzer smoke run: RUNS inputs from seed 1, starting from the files in
# SEEDS. libFuzzer adds the inputs it finds to its first corpus directory, so
# that is a fresh scratch copy (WORK), never the source tree.
# Run with -DFUZZER=<target> -DSEEDS=<dir> -DWORK=<scratch dir> -DRUNS=<n>.

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(GLOB seeds ${SEEDS}/*)
file(COPY ${seeds} DESTINATION ${WORK})
execute_process(COMMAND ${FUZZER} -runs=${RUNS} -seed=1 -max_len=4096 -artifact_prefix=${WORK}/
                        -print_final_stats=1 ${WORK}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the fuzzer failed (exit ${result}): the failing input is in ${WORK} "
                      "(crash-*, leak-*, timeout-*); rerun: ${FUZZER} <that file>")
endif()
