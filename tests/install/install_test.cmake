# Run by ctest (tests/install/CMakeLists.txt) with BUILD_DIR, SOURCE_DIR, LIBDIR, APP_DIR, WORK, CXX.
# Fails with the failing step's output.

# Every program runs without tensim's environment: only the installed files can be found.
set(CLEAN_ENV ${CMAKE_COMMAND} -E env --unset=TT_METAL_HOME --unset=TENSIM_ARCH_DIR
  --unset=TENSIM_MODELS_DIR --unset=TT_METAL_KERNEL_PATH --unset=LD_LIBRARY_PATH
  TENSIM_CACHE=${WORK}/kernel-cache SC_COPYRIGHT_MESSAGE=DISABLE)

function(step what)
  string(TIMESTAMP t0 "%s")
  execute_process(${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  string(TIMESTAMP t1 "%s")
  math(EXPR dt "${t1} - ${t0}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
  endif()
  message(STATUS "${what}: ok (${dt} s)")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

function(expect_absent file text)
  file(READ ${file} content)
  string(FIND "${content}" "${text}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${file} names ${text}: the installed package must not point into the build")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
# Installed into one prefix, then moved: every path the package uses must be relative.
step("install" COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/staged)
# The kernel API headers precompiled for the installed headers (cmake/kernel_pch.cmake).
file(GLOB pch_stamps ${WORK}/staged/${LIBDIR}/tensim-kernel-pch/*/stamp)
list(LENGTH pch_stamps n_pch)
if(n_pch LESS 4)
  message(FATAL_ERROR "the install precompiled ${n_pch} kernel headers, not 4: ${pch_stamps}")
endif()
# Kernels compiled by the installed CLI use them (the jit logger names the precompiled headers of
# each compile at debug level). Only where installed: moved, the package parses the headers.
step("tensim matmul, installed" COMMAND ${CLEAN_ENV} TENSIM_LOG=jit=debug
  ${WORK}/staged/bin/tensim matmul --m 32 --k 32 --n 32 WORKING_DIRECTORY ${WORK})
string(FIND "${step_output}" "with the precompiled headers in ${WORK}/staged/${LIBDIR}/tensim-kernel-pch/" at)
if(at EQUAL -1)
  message(FATAL_ERROR "no kernel was compiled with the installed precompiled headers:\n${step_output}")
endif()
file(REMOVE_RECURSE ${WORK}/kernel-cache)
file(RENAME ${WORK}/staged ${WORK}/prefix)
set(P ${WORK}/prefix)
foreach(f ${P}/${LIBDIR}/cmake/tensim/tensimTargets.cmake ${P}/${LIBDIR}/pkgconfig/tensim.pc)
  expect_absent(${f} ${SOURCE_DIR})
  expect_absent(${f} ${WORK}/staged)
endforeach()
# The library finds its files next to itself: it holds no path into the source tree at all (its
# messages' file names are relative, -ffile-prefix-map). Not checked in a sanitizer build, which is
# not for installing: GCC's sanitizer metadata names the sources it reports with as compiled.
if(NOT SANITIZE)
  string(REGEX REPLACE "([][+.*?()^$|\\])" "\\\\\\1" source_regex "${SOURCE_DIR}")
  file(STRINGS ${P}/${LIBDIR}/libtensim.so source_paths REGEX "${source_regex}")
  if(source_paths)
    message(FATAL_ERROR "libtensim.so holds source paths: ${source_paths}")
  endif()
endif()
foreach(f include/tt-metalium/host_api.hpp include/tensim/kernel_api/dataflow_api.h
    include/tensim/kernel_api/api/dataflow/dataflow_api.h share/tensim/arch/wormhole_b0.json
    share/tensim/arch/n300.json bin/tensim)
  if(NOT EXISTS ${P}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

# find_package(tensim CONFIG) -> tensim::tensim.
step("configure with find_package" COMMAND ${CMAKE_COMMAND} -S ${APP_DIR} -B ${WORK}/app-cmake
  -DCMAKE_PREFIX_PATH=${P} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release)
step("build with find_package" COMMAND ${CMAKE_COMMAND} --build ${WORK}/app-cmake)
step("run (find_package)" COMMAND ${CLEAN_ENV} ${WORK}/app-cmake/app WORKING_DIRECTORY ${APP_DIR})

# pkg-config --cflags --libs tensim, from the moved prefix.
set(ENV{PKG_CONFIG_PATH} ${P}/${LIBDIR}/pkgconfig)
step("pkg-config" COMMAND pkg-config --cflags --libs tensim)
separate_arguments(pc_flags UNIX_COMMAND "${step_output}")
step("build with pkg-config" COMMAND ${CXX} ${APP_DIR}/main.cpp ${pc_flags} -o ${WORK}/app-pc)
step("run (pkg-config)" COMMAND ${CLEAN_ENV} ${WORK}/app-pc WORKING_DIRECTORY ${APP_DIR})

# The installed CLI, run from elsewhere, reads the installed architecture files.
step("tensim arch show n300" COMMAND ${CLEAN_ENV} ${P}/bin/tensim arch show n300
  WORKING_DIRECTORY ${WORK})
string(FIND "${step_output}" "n300" at)
if(at EQUAL -1)
  message(FATAL_ERROR "tensim arch show n300 printed no n300:\n${step_output}")
endif()
file(REMOVE_RECURSE ${WORK})
