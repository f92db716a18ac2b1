# Flags shared by every WASM target. No threads, no filesystem, no eval:
# the app must run in any tutorial page, under a strict CSP, without COOP/COEP.
add_compile_options(-msimd128)
# -msimd128 alone leaves Eigen scalar (it has no WASM SIMD packets; LLVM's
# auto-vectoriser does what it can). With this option Eigen takes its SSE
# path, which Emscripten's SSE headers map onto WASM SIMD (bench/README.md
# has the numbers). Two obstacles, handled without touching system files:
#  - Eigen includes <mmintrin.h> (MMX), which Emscripten lacks: cmake/wasm-sse
#    has an empty one;
#  - clang reports itself as GCC 4.2, so Eigen 3.4 takes an x86 inline-asm
#    branch in pmin/pmax (for GCC < 6.3). -fgnuc-version=5.13 makes Eigen's
#    EIGEN_COMP_GNUC (10 * major + minor) 63, past that branch, while the major
#    version stays below 6, where Eigen's GEBP kernel adds x86-only asm.
option(HEADLAB_WASM_SSE "Vectorise Eigen in WASM through its SSE path" ON)
if(HEADLAB_WASM_SSE)
  add_compile_options(-msse4.2 -fgnuc-version=5.13)
  include_directories(BEFORE SYSTEM ${CMAKE_CURRENT_LIST_DIR}/wasm-sse)
endif()
# Catch2 and our error paths use C++ exceptions.
add_compile_options(-fexceptions)
add_link_options(-fexceptions -sALLOW_MEMORY_GROWTH=1 -sDYNAMIC_EXECUTION=0 -sTOTAL_STACK=4MB)
# Test binaries run under Node with ctest; SINGLE_FILE avoids the 3.1.6 glue's fetch() of a file path.
set(HEADLAB_WASM_TEST_LINK_OPTIONS -sSINGLE_FILE=1 -sENVIRONMENT=node -sNODERAWFS=0 -sEXIT_RUNTIME=1)
