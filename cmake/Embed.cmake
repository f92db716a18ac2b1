# Turns a file into C++ source. Included, it defines headlab_embed(target input
# symbol): a build step that regenerates the source when the file changes and
# adds it to `target`. Run as a script, it is that step:
#   cmake -DINPUT=f -DOUTPUT=f.cpp -DSYMBOL=name -P Embed.cmake
# The web build and the WASM tests have no filesystem, so fonts, shaders and
# test fixtures are compiled in. Defines headlab::assets::SYMBOL (bytes,
# NUL-terminated so text reads as a C string) and SYMBOL_size (the file's
# length without the NUL).
if(NOT CMAKE_SCRIPT_MODE_FILE)
  set(HEADLAB_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_FILE})
  function(headlab_embed target input symbol)
    set(output ${CMAKE_CURRENT_BINARY_DIR}/embedded/${symbol}.cpp)
    add_custom_command(OUTPUT ${output}
      COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DSYMBOL=${symbol} -P ${HEADLAB_EMBED_SCRIPT}
      DEPENDS ${input} ${HEADLAB_EMBED_SCRIPT}
      COMMENT "Embedding ${symbol}" VERBATIM)
    target_sources(${target} PRIVATE ${output})
  endfunction()
  return()
endif()

file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# One line per 32 bytes keeps the generated file friendly to compilers and diffs.
string(REGEX REPLACE "((0x..,){32})" "\\1\n" bytes "${bytes}")
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}"
  "// Generated from ${name} by cmake/Embed.cmake; do not edit.\n"
  "#include <cstddef>\n"
  "namespace headlab::assets {\n"
  "extern const unsigned char ${SYMBOL}[] = {\n${bytes}0x00};\n"
  "extern const size_t ${SYMBOL}_size = ${size};\n"
  "}  // namespace headlab::assets\n")
