# Turns a file into C++ source: `cmake -DINPUT=f -DOUTPUT=f.cpp -DSYMBOL=name -P Embed.cmake`.
# The web build has no filesystem, so fonts and shaders are compiled in.
# Defines headlab::assets::SYMBOL (bytes, NUL-terminated so text reads as a C string)
# and SYMBOL_size (the file's length without the NUL).
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
