// actorcritic-train: trains any of the library's algorithms on any of its
// environments, with a progress bar, a CSV log, a learning-curve plot, a JSON
// summary and a checkpoint. `actorcritic-train --help` lists everything; add
// --algo/--env to see the defaults tuned for that pair.
//
// Exit codes: 0 success, 2 bad command line, 1 any other error (I/O, numerics).
#include "families.hpp"

#include <cstdio>
#include <exception>

namespace {

cli::Invocation parse_invocation(int argc, char** argv) {
  cli::Invocation inv;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      inv.help = true;
    } else if (flag == "--quiet" || flag == "-q") {
      inv.quiet = true;
    } else if (!flag.starts_with("--")) {
      cli::usage_error("unexpected argument \"{}\"; flags look like --name value (see --help)", flag);
    } else if (i + 1 >= argc) {
      cli::usage_error("{}: expected a value after the flag", flag);
    } else if (flag == "--algo") {
      inv.algo = argv[++i];
    } else if (flag == "--env") {
      inv.env = argv[++i];
    } else {
      inv.given.emplace_back(flag, argv[++i]);
    }
  }
  if (std::find(cli::kAlgorithms.begin(), cli::kAlgorithms.end(), inv.algo) == cli::kAlgorithms.end()) {
    cli::usage_error("--algo: unknown algorithm \"{}\"; expected one of {}", inv.algo, fmt::join(cli::kAlgorithms, ", "));
  }
  if (std::find(cli::kEnvironments.begin(), cli::kEnvironments.end(), inv.env) == cli::kEnvironments.end()) {
    cli::usage_error("--env: unknown environment \"{}\"; expected one of {}", inv.env,
                     fmt::join(cli::kEnvironments, ", "));
  }
  return inv;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const cli::Invocation invocation = parse_invocation(argc, argv);
    if (invocation.algo == "trpo") return cli::run_trpo(invocation);
    if (invocation.algo.starts_with("ppo")) return cli::run_ppo(invocation);
    return cli::run_policy_gradient(invocation);
  } catch (const cli::UsageError& error) {
    fmt::print(stderr, "actorcritic-train: {}\n", error.what());
    return 2;
  } catch (const ac::InvalidArgument& error) {
    fmt::print(stderr, "actorcritic-train: {}\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    fmt::print(stderr, "actorcritic-train: error: {}\n", error.what());
    return 1;
  }
}
