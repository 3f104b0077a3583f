# Precompiled kernel headers (src/jit/kernel_pch.hpp). tensim-kernel-pch precompiles the kernel API's
# tensim_kernel_pch*.h with the JIT's own flags (the library's code, so the flags cannot drift),
# once per flag set the kernels' default optimisation levels give:
#   build tree: <build>/lib/tensim-kernel-pch, for the source tree's kernel_api headers (rebuilt when
#               a kernel API header changes);
#   `cmake --install`: <prefix>/<libdir>/tensim-kernel-pch, for the installed headers.
# A precompiled header names the headers it was made from by path, so an installed tree moved
# elsewhere (or a DESTDIR staging install) parses the headers instead: correct, only slower.
add_executable(tensim-kernel-pch ${CMAKE_SOURCE_DIR}/src/jit/kernel_pch_main.cpp)
target_link_libraries(tensim-kernel-pch PRIVATE tensim)
target_include_directories(tensim-kernel-pch PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/sim)
target_compile_options(tensim-kernel-pch PRIVATE ${TENSIM_WARNINGS})

file(GLOB_RECURSE TENSIM_KERNEL_API_HEADERS CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/include/tensim/kernel_api/*)
set(TENSIM_KERNEL_PCH_DIR ${CMAKE_LIBRARY_OUTPUT_DIRECTORY}/tensim-kernel-pch)
# LeakSanitizer off in sanitizer builds: this is a build step, not a test.
add_custom_command(OUTPUT ${TENSIM_KERNEL_PCH_DIR}/built
  COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0 $<TARGET_FILE:tensim-kernel-pch>
    ${TENSIM_KERNEL_PCH_DIR} ${CMAKE_SOURCE_DIR}/include/tensim/kernel_api
  COMMAND ${CMAKE_COMMAND} -E touch ${TENSIM_KERNEL_PCH_DIR}/built
  DEPENDS tensim-kernel-pch ${TENSIM_KERNEL_API_HEADERS}
  COMMENT "Precompiling the kernel API headers"
  VERBATIM)
add_custom_target(tensim_kernel_pch ALL DEPENDS ${TENSIM_KERNEL_PCH_DIR}/built)

# After the headers are installed (cmake/install.cmake's rules run first).
install(CODE "
  if(\"\$ENV{DESTDIR}\" STREQUAL \"\")
    execute_process(COMMAND \${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
      \"$<TARGET_FILE:tensim-kernel-pch>\"
      \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/tensim-kernel-pch\"
      \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_INCLUDEDIR}/tensim/kernel_api\"
      RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR \"tensim-kernel-pch failed (\${rc})\")
    endif()
    message(STATUS \"Precompiled the kernel API headers: \${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/tensim-kernel-pch\")
  else()
    message(STATUS \"DESTDIR install: kernel API headers not precompiled (kernels parse them)\")
  endif()")
