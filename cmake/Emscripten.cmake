# Flags shared by every WASM target. No threads, no filesystem, no eval:
# the app must run in any tutorial page, under a strict CSP, without COOP/COEP.
add_compile_options(-msimd128)
# Catch2 and our error paths use C++ exceptions.
add_compile_options(-fexceptions)
add_link_options(-fexceptions -sALLOW_MEMORY_GROWTH=1 -sDYNAMIC_EXECUTION=0 -sTOTAL_STACK=4MB)
# Test binaries run under Node with ctest; SINGLE_FILE avoids the 3.1.6 glue's fetch() of a file path.
set(HEADLAB_WASM_TEST_LINK_OPTIONS -sSINGLE_FILE=1 -sENVIRONMENT=node -sNODERAWFS=0 -sEXIT_RUNTIME=1)
