# The desktop app `headlab` (src/platform/main_desktop.cpp): the web page's App
# in a GLFW window, each run training on a thread of its own (thread_channel.cpp).
# Included from App.cmake, so headlab_ui exists; its tests are registered in
# tests/CMakeLists.txt. ThreadSanitizer: the native-tsan preset (HEADLAB_TSAN).
if(EMSCRIPTEN)
  return()
endif()

find_package(Threads REQUIRED)
find_path(STB_INCLUDE_DIR stb_image_write.h PATH_SUFFIXES stb)
if(NOT STB_INCLUDE_DIR)
  message(WARNING "stb_image_write.h not found (Debian libstb-dev, see scripts/setup.sh); skipping the desktop app")
  return()
endif()

# --- The threading part, without GL: also what the ThreadSanitizer test links --
add_library(headlab_threads STATIC src/platform/thread_channel.cpp src/platform/file_writer.cpp)
target_link_libraries(headlab_threads PUBLIC headlab_lab Threads::Threads)
headlab_warnings(headlab_threads)

# --- The app -------------------------------------------------------------------
add_executable(headlab src/platform/main_desktop.cpp src/platform/desktop_actions.cpp src/platform/png_file.cpp)
target_include_directories(headlab SYSTEM PRIVATE ${STB_INCLUDE_DIR})
target_link_libraries(headlab PRIVATE headlab_ui headlab_threads)
headlab_warnings(headlab)
