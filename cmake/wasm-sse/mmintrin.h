/* Empty on purpose. Eigen's SSE path includes <mmintrin.h> (MMX), which
   Emscripten does not provide; Eigen uses nothing from it. Put on the include
   path by cmake/Emscripten.cmake when HEADLAB_WASM_SSE is ON. */
