// Catch2 entry point shared by the native and WASM test binaries.
#define CATCH_CONFIG_MAIN
#include <catch.hpp>
