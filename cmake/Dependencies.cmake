# Eigen and Catch2 come from Debian packages (scripts/setup.sh). Under
# Emscripten, find_package would look inside the Emscripten sysroot, so we
# point at the header-only installs directly rather than adding /usr/include.
if(EMSCRIPTEN)
  find_path(EIGEN3_INCLUDE_DIR Eigen/Core PATHS /usr/include/eigen3 NO_CMAKE_FIND_ROOT_PATH REQUIRED)
  add_library(Eigen3::Eigen INTERFACE IMPORTED)
  target_include_directories(Eigen3::Eigen SYSTEM INTERFACE ${EIGEN3_INCLUDE_DIR})
else()
  find_package(Eigen3 3.4 REQUIRED NO_MODULE)
endif()

if(HEADLAB_TESTS)
  find_path(CATCH2_INCLUDE_DIR catch.hpp PATHS /usr/include/catch2 NO_CMAKE_FIND_ROOT_PATH REQUIRED)
  add_library(headlab_catch2 INTERFACE)
  target_include_directories(headlab_catch2 SYSTEM INTERFACE ${CATCH2_INCLUDE_DIR})
endif()
