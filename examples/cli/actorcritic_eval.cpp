// actorcritic-eval: evaluates a checkpoint written by actorcritic-train --save
// (or by ac::Run::save).
//
//   actorcritic-eval --load PATH [--env ID] [--episodes K (20)] [--seed S (0)] [--deterministic false]
//                    [--record PATH.csv]
//
// The policy (loaded with ac::InferencePolicy: no training state; its mode, or
// with --deterministic false actions sampled from it) runs K episodes; the mean
// and std of the returns are printed. --record writes every step (episode, step,
// observation, action, reward, terminated, truncated; for an environment that
// masks its actions, then the state's legal actions as legal_0, ... of 0 or 1) as CSV.
// Exit codes: 0 success, 2 bad command line, 1 a checkpoint that cannot be used.
#include "commands.hpp"
#include "flags.hpp"

int main(int argc, char** argv) {
  return cli::guarded_main("actorcritic-eval", [&] { return cli::evaluate_command(argc, argv); });
}
