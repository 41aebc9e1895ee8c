# The libraries sluice_core links privately, as imported targets
# sluice::dep_<name>.
#
# A static libsluice_core.a passes them on to whatever links it, so the
# installed package has to name them as well. Named by the paths found on the
# machine that built sluice (/usr/lib/x86_64-linux-gnu/libzstd.so), they would
# tie the package to that machine's layout. sluiceTargets.cmake names these
# targets instead, and sluiceConfig.cmake includes this file first, so that
# they are found where the consumer's machine has them.
#
# sluice_find_dependency(<name> LIBRARY <lib> [HEADER <header>] [PACKAGE <hint>])
#   finds lib<lib> (and, with HEADER, the directory holding <header>) into the
#   cache variables SLUICE_<NAME>_LIBRARY and SLUICE_<NAME>_INCLUDE_DIR, which
#   a user may set. Found: defines sluice::dep_<name>. Not found: appends
#   "<lib> (<hint>)" to SLUICE_MISSING_DEPENDENCIES; the caller decides.
function(sluice_find_dependency name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "LIBRARY;HEADER;PACKAGE" "")
  string(TOUPPER ${name} upper)
  set(target sluice::dep_${name})
  if(TARGET ${target})
    return()
  endif()
  find_library(SLUICE_${upper}_LIBRARY ${arg_LIBRARY})
  set(found TRUE)
  if(NOT SLUICE_${upper}_LIBRARY)
    set(found FALSE)
  endif()
  if(arg_HEADER)
    find_path(SLUICE_${upper}_INCLUDE_DIR ${arg_HEADER})
    if(NOT SLUICE_${upper}_INCLUDE_DIR)
      set(found FALSE)
    endif()
  endif()
  if(NOT found)
    set(missing ${SLUICE_MISSING_DEPENDENCIES} "lib${arg_LIBRARY} (${arg_PACKAGE})")
    set(SLUICE_MISSING_DEPENDENCIES "${missing}" PARENT_SCOPE)
    return()
  endif()
  add_library(${target} UNKNOWN IMPORTED)
  set_target_properties(${target} PROPERTIES IMPORTED_LOCATION "${SLUICE_${upper}_LIBRARY}")
  if(arg_HEADER)
    set_target_properties(${target} PROPERTIES
                          INTERFACE_INCLUDE_DIRECTORIES "${SLUICE_${upper}_INCLUDE_DIR}")
  endif()
endfunction()

# All of them: sluice_find_private_dependencies([HEADERS]), HEADERS when
# building sluice itself. Missing ones are appended to
# SLUICE_MISSING_DEPENDENCIES in the caller's scope.
function(sluice_find_private_dependencies)
  cmake_parse_arguments(PARSE_ARGV 0 arg "HEADERS" "" "")
  # xxhash checksums the binary log's blocks; zstd compresses binary logs
  # (.slog.zst) and decompresses them; redaction: RE2 runs user patterns in
  # linear time, libcrypto's HMAC-SHA256 is the keyed-hash replacement.
  foreach(dep IN ITEMS "xxhash;xxhash.h;libxxhash-dev" "zstd;zstd.h;libzstd-dev"
                       "re2;re2/re2.h;libre2-dev" "crypto;openssl/hmac.h;libssl-dev")
    list(GET dep 0 name)
    list(GET dep 1 header)
    list(GET dep 2 package)
    set(header_arg "")
    if(arg_HEADERS)
      set(header_arg HEADER ${header})
    endif()
    sluice_find_dependency(${name} LIBRARY ${name} ${header_arg} PACKAGE "Debian: ${package}")
  endforeach()
  set(SLUICE_MISSING_DEPENDENCIES "${SLUICE_MISSING_DEPENDENCIES}" PARENT_SCOPE)
endfunction()
