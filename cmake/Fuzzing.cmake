# libFuzzer builds (BISECTR_FUZZ): clang only. The libraries are instrumented with
# fuzzer-no-link so that coverage reaches the parsers; only the targets in fuzz/ link libFuzzer.
if(BISECTR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "BISECTR_FUZZ needs clang (libFuzzer), but the C++ compiler is "
                        "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER}; configure with "
                        "-DCMAKE_CXX_COMPILER=clang++ in a fresh build directory (scripts/setup --fuzz does)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
