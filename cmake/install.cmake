# `cmake --install build --prefix P` lays tensim out as a library package:
#   P/bin/tensim                          the command line (finds its library through $ORIGIN/../lib)
#   P/lib/libtensim.so                    the model and runtime
#   P/lib/cmake/tensim/                   find_package(tensim CONFIG) -> tensim::tensim
#   P/lib/pkgconfig/tensim.pc             pkg-config --cflags --libs tensim
#   P/include/{tt-metalium,tensim}/       host headers, in TT-Metalium's include layout
#   P/include/tensim/kernel_api/          what kernels include (dataflow_api.h, api/, compute_kernel_api/,
#                                         debug/, ethernet/, fabric/, hostdevcommon/...): the JIT's -I
#   P/share/tensim/{arch,kernels,models}  architecture and system files, bundled kernels, presets
# Whole directories are installed, so headers, kernels and files added later need no new rule.
include(CMakePackageConfigHelpers)

install(TARGETS tensim EXPORT tensimTargets LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/sim/arch/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tensim/arch
  FILES_MATCHING PATTERN "*.json")
install(DIRECTORY ${CMAKE_SOURCE_DIR}/kernels/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tensim/kernels)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/models/presets/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/tensim/models/presets)

set(TENSIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tensim)
install(EXPORT tensimTargets NAMESPACE tensim:: DESTINATION ${TENSIM_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/tensimConfig.cmake.in
  ${CMAKE_BINARY_DIR}/cmake/tensimConfig.cmake INSTALL_DESTINATION ${TENSIM_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake/tensimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cmake/tensimConfig.cmake
  ${CMAKE_BINARY_DIR}/cmake/tensimConfigVersion.cmake DESTINATION ${TENSIM_CMAKE_DIR})

# pkg-config: the prefix is taken from where the .pc file is, so the installed tree can be moved.
file(RELATIVE_PATH TENSIM_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" TENSIM_PC_TO_PREFIX "${TENSIM_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/tensim.pc.in ${CMAKE_BINARY_DIR}/cmake/tensim.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/cmake/tensim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
