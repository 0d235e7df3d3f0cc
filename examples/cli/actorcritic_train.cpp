// actorcritic-train: trains any of the library's algorithms on any of its
// environments, with a progress bar, a CSV log, a learning-curve plot, a JSON
// summary and a checkpoint. `actorcritic-train --help` lists everything; add
// --algo/--env to see the defaults tuned for that pair.
//
// Exit codes: 0 success, 2 bad command line, 1 any other error (I/O, numerics).
//
// Built with MPI (the actorcritic::mpi target), `mpirun -np N actorcritic-train …`
// trains data-parallel on N ranks: MPI_Init and MPI_Finalize are here, rank 0
// prints and writes, the other ranks' stdout is discarded. An error on any rank
// ends the whole job through MPI_Abort with that rank's message and exit code,
// so no rank is left waiting in a collective; the last checkpoint, written
// atomically, stays loadable.
#include "commands.hpp"
#include "flags.hpp"

#ifdef AC_HAVE_MPI
#include "mpi_communicator.hpp"
#include "session.hpp"  // cli::process_communicator
#endif

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace {

int train(int argc, char** argv, const std::string& program) {
  return cli::guarded_main(program, [&] { return cli::train_command(argc, argv); });
}

#ifdef AC_HAVE_MPI
/// Whether a launcher (mpirun/mpiexec of OpenMPI, MPICH or PMIx) started this
/// process. Started alone it trains as one process without MPI_Init, which
/// under OpenMPI would spend about half a second starting a singleton runtime.
bool launched_by_mpirun() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}
#endif
}  // namespace

int main(int argc, char** argv) {
#ifdef AC_HAVE_MPI
  if (!launched_by_mpirun()) return train(argc, argv, "actorcritic-train");
  ac::mpi::prefer_small_message_defaults();
  MPI_Init(&argc, &argv);
  int code = 0;
  {
    ac::mpi::Communicator world;
    cli::process_communicator() = world;
    if (world.rank() != 0 && std::freopen("/dev/null", "w", stdout) == nullptr) return 1;
    code = train(argc, argv,
                 world.rank() == 0 ? std::string("actorcritic-train") : fmt::format("actorcritic-train (rank {})",
                                                                                    world.rank()));
    std::fflush(stderr);
    if (code != 0 && world.size() > 1) MPI_Abort(MPI_COMM_WORLD, code);  // the others may wait in a collective
    cli::process_communicator() = ac::CommunicatorRef();
  }
  MPI_Finalize();
  return code;
#else
  return train(argc, argv, "actorcritic-train");
#endif
}
