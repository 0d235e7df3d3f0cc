// The main of the MPI tests: MPI_Init before the tests, MPI_Finalize after (the
// application's, as mpi_communicator.hpp asks). Every rank runs every test;
// mpirun fails when any rank does. Catch2 itself is tests/catch_session.cpp.
#include <mpi.h>

#include <support/catch_run.hpp>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const int result = ac_run_catch(argc, argv);
  MPI_Finalize();
  return result;
}
