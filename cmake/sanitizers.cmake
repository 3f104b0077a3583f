# Sanitizer builds (issue 14): -DTENSIM_SANITIZE=address,undefined builds every target of this tree
# with those sanitizers, and the kernels tensim JIT-compiles at run time get the same flags (the
# library passes TENSIM_KERNEL_SANITIZE_FLAGS to src/jit/kernel_build.cpp), so a kernel's own memory
# errors are reported too. CI's second build directory uses it (tools/sanitize.sh).
#
# -fno-sanitize-recover=undefined: a UBSan finding fails the test that triggers it instead of only
# printing. -fno-omit-frame-pointer: ASan's fast unwinder needs frame pointers for useful traces.
# Stack checking and SystemC's coroutines: see docs/robustness.md ("Sanitizers"); Debian's SystemC
# 2.3.4 tells ASan about its stack switches, and sim/common/asan_fibers.cpp gives it the one stack it
# cannot describe (the main one).
set(TENSIM_SANITIZE "" CACHE STRING
  "Sanitizers for every target and JIT-compiled kernel, e.g. address,undefined (empty: none)")
set(TENSIM_SANITIZE_FLAGS "")
if(TENSIM_SANITIZE)
  set(TENSIM_SANITIZE_FLAGS -fsanitize=${TENSIM_SANITIZE} -fno-omit-frame-pointer)
  if(TENSIM_SANITIZE MATCHES "undefined")
    list(APPEND TENSIM_SANITIZE_FLAGS -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${TENSIM_SANITIZE_FLAGS})
  # Whatever links the library must link the sanitizer runtimes too: the link option travels with
  # the exported target (find_package) and into tensim.pc (TENSIM_PC_LIBS_EXTRA).
  add_link_options(-fsanitize=${TENSIM_SANITIZE})
  # Kernels without ASan's use-after-return frames: that check must stay off here (SystemC's
  # stack switches pass no fake-stack slot, docs/robustness.md), and the frame pointer loaded from
  # the runtime would make the kernel's stack variables look like L1 to the code cost
  # (src/kernel_api/code_cost.cpp).
  set(kernel_flags ${TENSIM_SANITIZE_FLAGS})
  if(TENSIM_SANITIZE MATCHES "address")
    list(APPEND kernel_flags --param=asan-use-after-return=0)
  endif()
  string(REPLACE ";" " " TENSIM_KERNEL_SANITIZE_FLAGS "${kernel_flags}")
endif()

# GCC 12 at -O1 with ASan warns that std::regex's internal std::function "may be used
# uninitialized" (a false positive inside libstdc++'s _State); off only for the files using
# std::regex, in sanitizer builds only. Called once every target exists (CMakeLists.txt).
function(tensim_sanitizer_exceptions)
  if(NOT TENSIM_SANITIZE)
    return()
  endif()
  set_source_files_properties(${CMAKE_SOURCE_DIR}/src/jit/kernel_build.cpp
    PROPERTIES COMPILE_OPTIONS -Wno-maybe-uninitialized)
  set_source_files_properties(${CMAKE_SOURCE_DIR}/tools/tensim/cli.cpp
    DIRECTORY ${CMAKE_SOURCE_DIR}/tools PROPERTIES COMPILE_OPTIONS -Wno-maybe-uninitialized)
  set_source_files_properties(${CMAKE_SOURCE_DIR}/tests/fabric/test_fabric.cpp
    DIRECTORY ${CMAKE_SOURCE_DIR}/tests/fabric PROPERTIES COMPILE_OPTIONS -Wno-maybe-uninitialized)
endfunction()
