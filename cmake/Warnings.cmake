# Project-wide warning flags, applied through the bisectr_warnings interface target.
add_library(bisectr_warnings INTERFACE)
target_compile_options(bisectr_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wconversion
  -Wsign-conversion -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(BISECTR_WERROR)
  target_compile_options(bisectr_warnings INTERFACE -Werror)
endif()
