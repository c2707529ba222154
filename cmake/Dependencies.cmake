# Every dependency is a Debian package found with find_package; nothing is downloaded.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)                 # libboost-dev (Boost.Process, header-only)
find_package(CLI11 REQUIRED)                      # libcli11-dev
find_package(nlohmann_json 3 REQUIRED)            # nlohmann-json3-dev
# BISECTR_STATIC_LIBS: the binary is one static-pie executable: SQLite, zlib, pugixml, libstdc++
# and glibc linked in (toml++ is compiled header-only), so no dynamic loader runs. Binding the
# symbols of eight shared libraries was about 2 ms of every bisectr start, libc and libm another
# 0.5 ms, and `bisectr run` starts once per run (issue 3). Sanitizer and fuzz builds keep the
# shared libraries.
if(BISECTR_SANITIZE OR BISECTR_FUZZ)
  set(BISECTR_STATIC_LIBS OFF)
else()
  option(BISECTR_STATIC_LIBS "Link the binary statically (static-pie, glibc included)" ON)
endif()
if(BISECTR_STATIC_LIBS)
  # Forced: a build directory configured before keeps the shared libraries in its cache.
  find_library(BISECTR_SQLITE3_ARCHIVE NAMES libsqlite3.a REQUIRED)  # libsqlite3-dev
  find_library(BISECTR_ZLIB_ARCHIVE NAMES libz.a REQUIRED)           # zlib1g-dev
  set(SQLite3_LIBRARY ${BISECTR_SQLITE3_ARCHIVE} CACHE FILEPATH "SQLite library" FORCE)
  set(ZLIB_LIBRARY_RELEASE ${BISECTR_ZLIB_ARCHIVE} CACHE FILEPATH "zlib library" FORCE)
  set(ZLIB_LIBRARY ${BISECTR_ZLIB_ARCHIVE} CACHE FILEPATH "zlib library" FORCE)
else()
  # A build directory switched from static to shared: forget the archives forced above.
  foreach(entry SQLite3_LIBRARY ZLIB_LIBRARY_RELEASE ZLIB_LIBRARY)
    if(DEFINED CACHE{${entry}} AND "$CACHE{${entry}}" MATCHES "\\.a$")
      unset(${entry} CACHE)
    endif()
  endforeach()
endif()
find_package(SQLite3 REQUIRED)                   # libsqlite3-dev
find_package(SQLiteCpp REQUIRED)                  # libsqlitecpp-dev
find_package(pugixml REQUIRED)                    # libpugixml-dev
find_package(ZLIB REQUIRED)                       # zlib1g-dev (the stream tests check bisectr's CRC32 against it; compressed repository attachments)
find_package(tomlplusplus REQUIRED)               # libtomlplusplus-dev (config files with comments)
find_package(tsl-hopscotch-map REQUIRED)         # libtsl-hopscotch-map-dev (the run writer's name -> id table)
if(BISECTR_TESTS)
  find_package(doctest REQUIRED)                  # doctest-dev
endif()

# bisectr_module(NAME SOURCES ... DEPS ...): one static library per source folder, so that a
# module and its unit tests build on their own; bisectr_lib links them all for the binary.
function(bisectr_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(bisectr_${name} STATIC ${M_SOURCES})
  target_include_directories(bisectr_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(bisectr_${name} PUBLIC ${M_DEPS} PRIVATE bisectr_warnings)
  set_property(GLOBAL APPEND PROPERTY BISECTR_MODULES bisectr_${name})
endfunction()
