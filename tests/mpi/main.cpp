// The Catch2 main of the MPI tests: MPI_Init before the tests, MPI_Finalize
// after (the application's, as mpi_communicator.hpp asks). Every rank runs
// every test; mpirun fails when any rank does.
#define CATCH_CONFIG_RUNNER
#include <mpi.h>

#include <catch2/catch.hpp>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const int result = Catch::Session().run(argc, argv);
  MPI_Finalize();
  return result;
}
