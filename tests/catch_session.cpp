// Catch2's implementation, compiled once for every test executable (about 20 s
// of compile time): the plain main (main.cpp) and the MPI tests' main, which
// must call MPI_Init first (mpi/main.cpp), both run the tests through it.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <support/catch_run.hpp>

int ac_run_catch(int argc, char** argv) { return Catch::Session().run(argc, argv); }
