# Included by a consumer's configure (find_package or add_subdirectory): a
# single-configuration build without CMAKE_BUILD_TYPE compiles with no
# optimization at all, and Eigen's templates then run some 40 times slower
# (the README's example: 5.1 s instead of 0.14 s). The library imposes no
# flags, so it says so instead, once per configure.
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES AND NOT CMAKE_CXX_FLAGS MATCHES "(^| )-O[1-3sfz]")
  message(WARNING "actorcritic: CMAKE_BUILD_TYPE is not set, so your program is compiled without optimization, "
                  "and Eigen code runs about 40 times slower. Configure with -DCMAKE_BUILD_TYPE=Release "
                  "(or RelWithDebInfo) for training; see docs/building.md.")
endif()
