# headlab_page_constants(OUT): writes the constants of src/lab/page_constants.h
# that web/headlab.js needs to OUT as an ES module, one `export const NAME = N;`
# per `constexpr long long kName = N;` line (kEventReady -> EVENT_READY), so the
# page and the engine read the same numbers. Re-run when the header changes.
function(headlab_page_constants out)
  set(header ${PROJECT_SOURCE_DIR}/src/lab/page_constants.h)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${header})
  file(STRINGS ${header} lines REGEX "^constexpr long long k[A-Za-z0-9]+ = [0-9]+;")
  set(js "// Generated from src/lab/page_constants.h by cmake/PageConstants.cmake; do not edit.\n")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^constexpr long long k([A-Za-z0-9]+) = ([0-9]+);.*" "\\1" name "${line}")
    string(REGEX REPLACE "^constexpr long long k([A-Za-z0-9]+) = ([0-9]+);.*" "\\2" value "${line}")
    string(REGEX REPLACE "([a-z0-9])([A-Z])" "\\1_\\2" name "${name}")
    string(TOUPPER "${name}" name)
    string(APPEND js "export const ${name} = ${value};\n")
  endforeach()
  file(WRITE ${out} "${js}")
endfunction()
