# The ImGui app: headlab_ui (panels + GL heatmaps, shared by web and desktop)
# and, under Emscripten, the web app `headlab_web` with its page in build/<preset>/web/.
# The desktop app is in Desktop.cmake; the tests of both in tests/CMakeLists.txt.
if(NOT EXISTS ${IMGUI_DIR}/imgui.cpp)
  message(WARNING "Dear ImGui not found in ${IMGUI_DIR}: run scripts/setup.sh or pass -DIMGUI_DIR=; skipping the app")
  return()
endif()

# --- Dear ImGui: core + GLFW/OpenGL3 backends, built without our warnings -----
add_library(headlab_imgui STATIC
  ${IMGUI_DIR}/imgui.cpp ${IMGUI_DIR}/imgui_draw.cpp ${IMGUI_DIR}/imgui_tables.cpp
  ${IMGUI_DIR}/imgui_widgets.cpp ${IMGUI_DIR}/misc/cpp/imgui_stdlib.cpp
  ${IMGUI_DIR}/backends/imgui_impl_glfw.cpp ${IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_include_directories(headlab_imgui SYSTEM PUBLIC ${IMGUI_DIR} ${IMGUI_DIR}/backends ${IMGUI_DIR}/misc/cpp)
# 32-bit indices: WebGL2 has them, and the OpenGL3 backend cannot offset
# vertices on GLES, so a busy panel could otherwise overflow 65536 vertices.
target_compile_definitions(headlab_imgui PUBLIC "ImDrawIdx=unsigned int" IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
if(EMSCRIPTEN)
  # GLFW and WebGL come with Emscripten; the backend would pick WebGL1 without ES3.
  target_compile_definitions(headlab_imgui PUBLIC IMGUI_IMPL_OPENGL_ES3)
  # Dear ImGui is a quarter of the engine's code and about 1 ms of a frame:
  # optimised for size it downloads faster and draws no slower (bench/README.md).
  target_compile_options(headlab_imgui PRIVATE -Os)
  target_link_options(headlab_imgui PUBLIC -sUSE_GLFW=3 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2)
else()
  find_package(glfw3 3.3 REQUIRED)
  find_package(OpenGL REQUIRED)
  target_link_libraries(headlab_imgui PUBLIC glfw OpenGL::GL)
endif()

# --- Embedded assets: the UI font and the shaders (the web has no filesystem) -
# --- headlab_ui: App, panels, heatmap renderer --------------------------------
file(GLOB HEADLAB_UI_SOURCES CONFIGURE_DEPENDS src/ui/*.cpp)
add_library(headlab_ui STATIC ${HEADLAB_UI_SOURCES})
target_link_libraries(headlab_ui PUBLIC headlab_lab headlab_imgui)
headlab_warnings(headlab_ui)

# Embedded assets: the UI font and the shaders (the web has no filesystem).
find_file(HEADLAB_FONT DejaVuSans.ttf PATHS /usr/share/fonts/truetype/dejavu
          NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH REQUIRED)
# The font is subset to the code points of kRanges in src/ui/fonts.cpp (read
# from there, so the glyphs drawn and the glyphs shipped cannot disagree);
# hinting is dropped (ImGui's rasteriser ignores it). Without fonttools the
# whole font is embedded, 330 KB more gzipped download.
find_program(HEADLAB_PYFTSUBSET pyftsubset)
if(HEADLAB_PYFTSUBSET)
  file(READ ${CMAKE_CURRENT_SOURCE_DIR}/src/ui/fonts.cpp fonts_cpp)
  string(REGEX MATCH "kRanges\\[\\] = {([^;]*)}" _ "${fonts_cpp}")
  string(REGEX MATCHALL "0x[0-9A-Fa-f]+" bounds "${CMAKE_MATCH_1}")
  set(unicodes)
  while(bounds)
    list(POP_FRONT bounds first last)
    string(REPLACE "0x" "U+" first ${first})
    string(REPLACE "0x" "" last ${last})
    list(APPEND unicodes "${first}-${last}")
  endwhile()
  list(JOIN unicodes "," unicodes)
  set(subset ${CMAKE_CURRENT_BINARY_DIR}/embedded/DejaVuSans-subset.ttf)
  add_custom_command(OUTPUT ${subset}
    COMMAND ${HEADLAB_PYFTSUBSET} ${HEADLAB_FONT} --unicodes=${unicodes} --layout-features= --no-hinting
            --output-file=${subset}
    DEPENDS ${HEADLAB_FONT}
    COMMENT "Subsetting ${HEADLAB_FONT} to the UI's glyphs" VERBATIM)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/ui/fonts.cpp)
  headlab_embed(headlab_ui ${subset} font_dejavu_sans)
else()
  message(WARNING "pyftsubset (Debian package fonttools) not found: embedding the whole font")
  headlab_embed(headlab_ui ${HEADLAB_FONT} font_dejavu_sans)
endif()
file(GLOB HEADLAB_SHADERS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/shaders/*.vert ${CMAKE_CURRENT_SOURCE_DIR}/shaders/*.frag)
foreach(shader ${HEADLAB_SHADERS})
  get_filename_component(name ${shader} NAME)
  string(REPLACE "." "_" symbol "shader_${name}")
  headlab_embed(headlab_ui ${shader} ${symbol})
endforeach()

# --- Web app -------------------------------------------------------------------
if(EMSCRIPTEN)
  add_executable(headlab_web src/platform/web_app.cpp src/platform/web_api.cpp src/platform/web_page.cpp src/platform/web_state.cpp
                 src/platform/worker_channel.cpp src/platform/web_trainer.cpp)
  target_link_libraries(headlab_web PRIVATE headlab_ui)
  headlab_warnings(headlab_web)
  set(HEADLAB_WEB_DIR ${CMAKE_BINARY_DIR}/web)
  # headlab-engine.js/.wasm: the engine that web/headlab.js (the embedding API) loads.
  set_target_properties(headlab_web PROPERTIES OUTPUT_NAME headlab-engine SUFFIX ".js"
                        RUNTIME_OUTPUT_DIRECTORY ${HEADLAB_WEB_DIR})
  # An ES module whose default export is a factory: headlab.js compiles the wasm
  # once per page and instantiates it once per widget (instantiateWasm hook);
  # each instance is started by headlab_start() after its options are staged.
  # The same module trains in each widget's worker (web/headlab-worker.js).
  target_link_options(headlab_web PRIVATE
    --no-entry -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createHeadlabEngine -sENVIRONMENT=web,worker
    -sFILESYSTEM=0 -sASSERTIONS=0 -sEXPORTED_FUNCTIONS=_malloc,_free
    $<$<CONFIG:Release>:-O3>)
  # The pages (index.html, embed.html, headlab.js, examples/) sit next to the engine, ready to serve.
  add_custom_target(headlab_web_page ALL
    COMMAND ${CMAKE_COMMAND} -E copy_directory ${CMAKE_CURRENT_SOURCE_DIR}/web ${HEADLAB_WEB_DIR}
    COMMENT "Copying web/ to ${HEADLAB_WEB_DIR}")
  add_dependencies(headlab_web headlab_web_page)
  include(cmake/PageConstants.cmake)
  headlab_page_constants(${HEADLAB_WEB_DIR}/headlab-constants.js)
endif()

# --- Desktop app ---------------------------------------------------------------
include(cmake/Desktop.cmake)
