# Warnings are on for our code and treated as things to fix, not to silence.
function(headlab_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter)
endfunction()
