# The desktop app `headlab` (src/platform/main_desktop.cpp): the web page's App
# in a GLFW window, with training on a worker thread (threaded_runner.cpp).
# Included from App.cmake, so headlab_ui exists. Tests:
#   desktop_threads  Catch2 tests of the threaded runner        label: threads, tsan
#   desktop_xvfb     the app under Xvfb: screenshot + steps      label: desktop (+ tsan in a TSan build)
# ThreadSanitizer build (its own build directory; instruments everything of ours):
#   CC=clang CXX=clang++ cmake -S . -B build/h-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEADLAB_TSAN=ON
#   cmake --build build/h-tsan --target desktop_thread_tests headlab && ctest --test-dir build/h-tsan -L tsan
if(EMSCRIPTEN)
  return()
endif()

option(HEADLAB_TSAN "Build with ThreadSanitizer (use a separate build directory)" OFF)
if(HEADLAB_TSAN)
  # PUBLIC on the bottom layer, so everything that links it is instrumented too.
  target_compile_options(headlab_core PUBLIC -fsanitize=thread -fno-omit-frame-pointer -g)
  target_link_options(headlab_core PUBLIC -fsanitize=thread)
endif()

find_package(Threads REQUIRED)
find_path(STB_INCLUDE_DIR stb_image_write.h PATH_SUFFIXES stb)
if(NOT STB_INCLUDE_DIR)
  message(WARNING "stb_image_write.h not found (Debian libstb-dev, see scripts/setup.sh); skipping the desktop app")
  return()
endif()

# --- The threading part, without GL: also what the ThreadSanitizer test links --
add_library(headlab_threads STATIC src/platform/threaded_runner.cpp src/platform/file_writer.cpp)
target_link_libraries(headlab_threads PUBLIC headlab_lab Threads::Threads)
headlab_warnings(headlab_threads)

# --- The app -------------------------------------------------------------------
add_executable(headlab src/platform/main_desktop.cpp src/platform/desktop_actions.cpp src/platform/png_file.cpp)
target_include_directories(headlab SYSTEM PRIVATE ${STB_INCLUDE_DIR})
target_link_libraries(headlab PRIVATE headlab_ui headlab_threads)
headlab_warnings(headlab)

if(HEADLAB_TESTS)
  file(GLOB HEADLAB_PLATFORM_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/platform/*.cpp)
  add_executable(desktop_thread_tests ${CMAKE_CURRENT_SOURCE_DIR}/tests/test_main.cpp ${HEADLAB_PLATFORM_TESTS})
  target_link_libraries(desktop_thread_tests PRIVATE headlab_threads headlab_catch2)
  headlab_warnings(desktop_thread_tests)
  add_test(NAME desktop_threads COMMAND desktop_thread_tests --order rand --rng-seed 7
           WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(desktop_threads PROPERTIES LABELS "threads;tsan" TIMEOUT 600
                       ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1")

  # Needs an X server: Xvfb with Mesa's software OpenGL (llvmpipe gives GL 3.3+).
  find_program(XVFB_RUN xvfb-run)
  find_package(Python3 COMPONENTS Interpreter)
  if(XVFB_RUN AND Python3_Interpreter_FOUND)
    add_test(NAME desktop_xvfb
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/tests/desktop/check_desktop.py
                     --app $<TARGET_FILE:headlab> --xvfb-run ${XVFB_RUN} --out ${CMAKE_CURRENT_BINARY_DIR}/desktop)
    set_tests_properties(desktop_xvfb PROPERTIES LABELS desktop TIMEOUT 420 RUN_SERIAL TRUE)
    if(HEADLAB_TSAN)  # the whole app under ThreadSanitizer too (Mesa's own threads suppressed)
      set_tests_properties(desktop_xvfb PROPERTIES LABELS "desktop;tsan" TIMEOUT 900 ENVIRONMENT
        "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tests/desktop/tsan.supp:second_deadlock_stack=1")
    endif()
  else()
    message(STATUS "xvfb-run or python3 not found: the desktop_xvfb test is not registered")
  endif()
endif()
