# Configures, builds and runs one consumer project (see CMakeLists.txt here).
# Run by ctest as `cmake -P` with MODE, SLUICE_SOURCE_DIR, SLUICE_BUILD_DIR,
# WORK_DIR, GENERATOR, MAKE_PROGRAM, CXX and CXX_FLAGS.

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(project_args -G ${GENERATOR} -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM} -DCMAKE_CXX_COMPILER=${CXX})
if(CXX_FLAGS)
  list(APPEND project_args "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}")
endif()

if(MODE STREQUAL "find_package")
  set(prefix ${WORK_DIR}/prefix)
  run(${CMAKE_COMMAND} --install ${SLUICE_BUILD_DIR} --prefix ${prefix})

  # Only include/ is installed: no core/ header, no private header.
  file(GLOB_RECURSE installed RELATIVE ${prefix}/include ${prefix}/include/*)
  foreach(header IN LISTS installed)
    if(NOT header MATCHES "^sluice/.*\\.hpp$")
      message(FATAL_ERROR "unexpected installed header: include/${header}")
    endif()
  endforeach()
  # Build-only targets and flags stay out of the exported package.
  file(GLOB exports ${prefix}/lib*/cmake/sluice/sluiceTargets*.cmake)
  foreach(export IN LISTS exports)
    file(READ ${export} text)
    string(FIND "${text}" "${SLUICE_SOURCE_DIR}" source_path_at)
    if(text MATCHES "sluice_warnings|-Werror|-Wall" OR source_path_at GREATER -1)
      message(FATAL_ERROR "${export} leaks build-only settings (a flag or a source path)")
    endif()
    # The libraries a static sluice passes on are named by imported target,
    # found again on the consumer's machine, never by this machine's paths.
    if(text MATCHES "[;\"](/[^;\"]*\\.(so|a))[;\"]")
      message(FATAL_ERROR "${export} names a library by its path here: ${CMAKE_MATCH_1}")
    endif()
  endforeach()

  # The tools operators run on the logs are installed, and run from there.
  foreach(tool sluice-decode sluice-redact)
    if(EXISTS ${SLUICE_BUILD_DIR}/tools/${tool}/${tool})
      run(${prefix}/bin/${tool} --help OUTPUT_QUIET)
    endif()
  endforeach()

  run(${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/find_package -B ${WORK_DIR}/build
      ${project_args} -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix})
elseif(MODE MATCHES "^add_subdirectory(_shared)?$")
  # The nested sluice builds its libraries from source, with -Werror on: its
  # warning flags must apply to its own files only (consumer_main.cpp has a
  # deliberate warning). -O0 keeps this quick.
  set(shared OFF)
  if(MODE STREQUAL "add_subdirectory_shared")
    set(shared ON)
  endif()
  run(${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/add_subdirectory -B ${WORK_DIR}/build
      ${project_args} -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0
      -DSLUICE_SOURCE_DIR=${SLUICE_SOURCE_DIR} -DSLUICE_WERROR=ON -DBUILD_SHARED_LIBS=${shared})
else()
  message(FATAL_ERROR "MODE must be find_package, add_subdirectory or add_subdirectory_shared")
endif()

set(consumers consumer)
if(MODE MATCHES "^add_subdirectory")
  list(APPEND consumers consumer_hidden)
endif()
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build --target ${consumers} --parallel 2)
if(MODE STREQUAL "add_subdirectory_shared")
  file(GLOB_RECURSE shared_libraries ${WORK_DIR}/build/libsluice_core.so*)
  if(NOT shared_libraries)
    message(FATAL_ERROR "BUILD_SHARED_LIBS=ON built no libsluice_core.so")
  endif()
  # Versioned, so that an incompatible release does not replace the one a
  # program was linked with (the soname is major.minor before 1.0).
  foreach(library sluice_core sluice_sinks)
    file(GLOB_RECURSE versioned ${WORK_DIR}/build/lib${library}.so.*.*)
    if(NOT versioned)
      message(FATAL_ERROR "lib${library}.so has no version (SOVERSION)")
    endif()
  endforeach()
endif()
foreach(consumer IN LISTS consumers)
  run(${WORK_DIR}/build/${consumer})
endforeach()
