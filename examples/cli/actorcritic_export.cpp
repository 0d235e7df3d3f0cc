// actorcritic-export: writes a trained policy as a dependency-free C++17 header.
//
//   actorcritic-export --load PATH.ckpt --out policy.hpp [--namespace NAME (policy)]
//
// The header (ac::policy_header_source) holds the actor's weights, the frozen
// observation normalization and the forward pass, and acts as actorcritic-eval
// does: NAME::act(observation) returns the most likely action, or writes the
// Gaussian mean clipped to the action space (a squashed Gaussian's tanh, a
// Beta's mode, rescaled to it). See docs/deployment.md.
// Exit codes: 0 success, 2 bad command line, 1 a checkpoint that cannot be used.
#include "flags.hpp"

#include <actorcritic/core/atomic_file.hpp>
#include <actorcritic/policies/categorical_actor.hpp>
#include <actorcritic/policies/box_actor.hpp>
#include <actorcritic/train/export_header.hpp>
#include <actorcritic/train/inference.hpp>
#include <actorcritic/train/run.hpp>

#include <fmt/core.h>

#include <cstdlib>
#include <string>

namespace {

struct ExportOptions {
  std::string load, out, name_space = "policy";
};

constexpr std::string_view kUsage =
    "usage: actorcritic-export --load PATH.ckpt --out policy.hpp [--namespace NAME]\n\n"
    "Writes the deterministic policy of a checkpoint (actorcritic-train --save, ac::Run::save) as a\n"
    "dependency-free C++17 header: NAME::observation_dim, NAME::action_count and int NAME::act(const float*)\n"
    "for discrete actions, NAME::action_dim and void NAME::act(const float*, float*) for continuous ones,\n"
    "NAME::action_components and void NAME::act(const float*, int*) for MultiDiscrete and MultiBinary ones.\n";

ExportOptions parse(int argc, char** argv) {
  ExportOptions o;
  cli::FlagSet flags;
  flags.text("--load", "checkpoint to export", o.load);
  flags.text("--out", "header to write", o.out);
  flags.text("--namespace", "namespace of the generated interface (identifiers joined by ::)", o.name_space);
  flags.parse(argc, argv, "actorcritic-export", kUsage);
  if (o.load.empty()) cli::usage_error("--load: expected a checkpoint path (see --help)");
  if (o.out.empty()) cli::usage_error("--out: expected the path of the header to write (see --help)");
  try {
    ac::detail::check_namespace_name(o.name_space);
  } catch (const ac::InvalidArgument&) {
    cli::usage_error("--namespace: expected a C++ identifier or identifiers joined by \"::\" (not a keyword, not "
                     "std, no reserved __ or _X), got \"{}\"",
                     o.name_space);
  }
  return o;
}

template <class Actor>
int export_policy(const ExportOptions& options) {
  const auto policy = ac::InferencePolicy<Actor>::load(options.load);
  ac::write_file_atomically(options.out,
                            ac::policy_header_source(policy, {.name_space = options.name_space, .source = options.load}));
  const auto& env = policy.environment();
  fmt::print("{}: {} policy for {} ({} observations, {} {}) in namespace {}\n", options.out, policy.algorithm(), env.id,
             env.observation_dim, env.action_size,
             !env.multi_kind.empty() ? "action components" : (env.discrete ? "actions" : "action dimensions"),
             options.name_space);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::guarded_main("actorcritic-export", [&] {
    const ExportOptions options = parse(argc, argv);
    return ac::with_checkpoint_actor(ac::read_run_header(options.load).header,
                                     [&]<class Actor>() { return export_policy<Actor>(options); });
  });
}
