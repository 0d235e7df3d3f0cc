#pragma once
// The checkpoint container: a versioned, checksummed envelope around one
// archive of named fields (core/archive.hpp). What goes inside is the run's
// (train/run.hpp, docs/run.md has the table of fields); this header holds the
// envelope and the records every reader of a checkpoint shares — what the run
// was trained on and its networks. Format, little-endian:
//
//   magic "ACCKPT\r\n" | u32 version | u32 scalar bytes | fields | u64 FNV-1a of everything before it
//
// Written atomically. Opening checks, in order: empty, magic (a foreign file),
// length and checksum (truncation, corruption), version (an older or newer
// file is refused naming both versions), scalar type; the fields then check
// their own names and ranges. Sizes are checked against the bytes present
// before anything is allocated, so a hostile file cannot make the loader
// allocate more than its own length.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/binary_io.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/bounded_actions.hpp"
#include "actorcritic/envs/env.hpp"
#include "actorcritic/nn/mlp.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ac {

inline constexpr std::string_view kCheckpointMagic = "ACCKPT\r\n";
/// 1: positional fields (up to 0.x of wave 1). 2: named fields, the whole run with its hyperparameters.
inline constexpr std::uint32_t kCheckpointVersion = 2;

/// What the checkpoint was trained on: the environment and its spaces.
struct CheckpointEnvironment {
  std::string id;
  Index observation_dim = 0;
  bool discrete = true;                        // integer actions (Discrete, MultiDiscrete, MultiBinary)
  Index action_size = 0;                       // actions (Discrete), dimensions (Box), components (Multi*)
  std::vector<float> action_low, action_high;  // Box bounds; empty for the others
  /// "multi_discrete" or "multi_binary" for those spaces (with their nvec; a 2 per bit
  /// for MultiBinary); empty for Discrete and Box, whose records then end with action_high.
  std::string multi_kind{};
  std::vector<std::int64_t> nvec{};

  friend bool operator==(const CheckpointEnvironment&, const CheckpointEnvironment&) = default;

  /// Rows of the policy network's head: Σ nvec for MultiDiscrete, else action_size.
  [[nodiscard]] Index head_rows() const {
    if (multi_kind != "multi_discrete") return action_size;
    Index total = 0;
    for (const auto n : nvec) total += static_cast<Index>(n);
    return total;
  }
  /// "discrete", "continuous", "multi_discrete" or "multi_binary".
  [[nodiscard]] std::string action_kind() const {
    if (!multi_kind.empty()) return multi_kind;
    return discrete ? "discrete" : "continuous";
  }

  template <class Archive>
  void serialize(Archive& a) {
    a.field("id", id);
    a.field("observation_dim", observation_dim, archive::between(1, nn::MlpConfig::kMaxWidth));
    a.field("discrete", discrete);
    a.field("action_size", action_size, archive::between(1, nn::MlpConfig::kMaxWidth));
    a.field("action_low", action_low);
    a.field("action_high", action_high);
    const bool multi = archive::optional_field(
        a, "multi_kind", !multi_kind.empty(), multi_kind,
        archive::Check{[](const std::string& k) { return k == "multi_discrete" || k == "multi_binary"; },
                       "\"multi_discrete\" or \"multi_binary\""});
    if (multi) a.field("nvec", nvec);
    if constexpr (Archive::loading) {
      if (multi) {
        a.require(discrete && nvec.size() == static_cast<std::size_t>(action_size), "nvec",
                  "one count per component of integer actions");
        for (const auto n : nvec) {
          const bool count_ok = n >= 1 && static_cast<std::uint64_t>(n) <= nn::MlpConfig::kMaxWidth;
          a.require(count_ok && (multi_kind == "multi_discrete" || n == 2), "nvec",
                    "counts >= 1 (2 for each bit of a multi_binary space)");
        }
      }
      const std::size_t bounds = discrete ? 0 : static_cast<std::size_t>(action_size);
      a.require(action_low.size() == bounds && action_high.size() == bounds, "action_low",
                discrete ? "no bounds for discrete actions" : "one bound per action dimension");
      for (std::size_t i = 0; i < bounds; ++i) {
        a.require(action_low[i] <= action_high[i], "action_high", "bounds >= action_low");
      }
    }
  }
};

/// The environment as a checkpoint records it.
template <envs::Env E>
CheckpointEnvironment describe_environment(const E& env) {
  CheckpointEnvironment d;
  d.id = std::string(env.id());
  d.observation_dim = env.observation_space().dim();
  if constexpr (envs::DiscreteEnv<E>) {
    d.discrete = true;
    d.action_size = env.action_space().n;
  } else if constexpr (envs::MultiDiscreteEnv<E>) {
    const auto nvec = env.action_space().nvec;
    d.discrete = true;
    d.action_size = nvec.size();
    d.multi_kind = "multi_discrete";
    d.nvec.assign(nvec.data(), nvec.data() + nvec.size());
  } else if constexpr (envs::MultiBinaryEnv<E>) {
    d.discrete = true;
    d.action_size = env.action_space().n;
    d.multi_kind = "multi_binary";
    d.nvec.assign(static_cast<std::size_t>(d.action_size), 2);
  } else {
    const auto space = env.action_space();
    d.discrete = false;
    d.action_size = space.dim();
    d.action_low.assign(space.low.data(), space.low.data() + space.low.size());
    d.action_high.assign(space.high.data(), space.high.data() + space.high.size());
  }
  return d;
}

/// Throws IoError unless the checkpoint was trained on `expected` (same id and spaces).
inline void check_checkpoint_environment(const CheckpointEnvironment& stored, const CheckpointEnvironment& expected,
                                         const std::string& source) {
  if (stored.id != expected.id) {
    throw_io_error("{}: the checkpoint was trained on {}, not {}", source, stored.id, expected.id);
  }
  if (!(stored == expected)) {
    throw_io_error("{}: the checkpoint's spaces for {} (observations {}, {} actions {}) differ from this build's "
                   "(observations {}, {} actions {})",
                   source, stored.id, stored.observation_dim, stored.discrete ? "discrete" : "continuous",
                   stored.action_size, expected.observation_dim, expected.discrete ? "discrete" : "continuous",
                   expected.action_size);
  }
}

/// A network's architecture and flat parameters.
template <RealScalar Scalar>
struct NetworkRecord {
  nn::MlpConfig architecture;
  Vector<Scalar> parameters;

  NetworkRecord() = default;
  explicit NetworkRecord(const nn::Mlp<Scalar>& net) : architecture(net.config()), parameters(net.parameters()) {}

  template <class Archive>
  void serialize(Archive& a) {
    a.field("architecture", architecture);
    if constexpr (Archive::loading) parameters.resize(0);
    a.field("parameters", parameters,
            archive::Check{[this](const Vector<Scalar>& p) {
                             return static_cast<std::uint64_t>(p.size()) == architecture.parameter_count() &&
                                    p.allFinite();
                           },
                           "finite parameters, as many as the architecture has"});
  }

  /// Copies the parameters into `net`, or throws IoError naming `name` if the architectures differ.
  void restore(nn::Mlp<Scalar>& net, std::string_view name, const std::string& source) const {
    const auto& a = net.config();
    const auto& b = architecture;
    if (a.inputs != b.inputs || a.hidden != b.hidden || a.outputs != b.outputs || a.activation != b.activation ||
        a.layer_norm != b.layer_norm || a.trailing_parameters != b.trailing_parameters ||
        a.recurrent != b.recurrent) {
      const auto gru = [](Index r) { return r > 0 ? fmt::format(", GRU {}", r) : std::string(); };
      throw_io_error("{}: the checkpoint's {} has layers {} → {} → {} ({}{}{}), "
                     "this one has {} → {} → {} ({}{}{})",
                     source, name, b.inputs, fmt::join(b.hidden, ","), b.outputs, nn::to_string(b.activation),
                     b.layer_norm ? ", layer norm" : "", gru(b.recurrent), a.inputs, fmt::join(a.hidden, ","),
                     a.outputs, nn::to_string(a.activation), a.layer_norm ? ", layer norm" : "", gru(a.recurrent));
    }
    net.parameters() = parameters;
  }
};

/// The checkpoint file around `fields` (an archive's bytes) for `Scalar` parameters.
template <RealScalar Scalar>
std::string seal_checkpoint(std::string_view fields) {
  ByteWriter out;
  out.put_bytes(kCheckpointMagic.data(), kCheckpointMagic.size());
  out.put(kCheckpointVersion);
  out.put(static_cast<std::uint32_t>(sizeof(Scalar)));
  out.put_bytes(fields.data(), fields.size());
  std::string bytes = out.bytes();
  const std::uint64_t checksum = fnv1a64(bytes);
  bytes.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
  return bytes;
}

/// The fields inside a checkpoint file's bytes, after the envelope's checks;
/// `source` names the file in errors. The view points into `bytes`.
template <RealScalar Scalar>
std::string_view open_checkpoint(std::string_view bytes, const std::string& source) {
  if (bytes.empty()) throw_io_error("{}: file is empty, expected an actorcritic checkpoint", source);
  if (bytes.size() < kCheckpointMagic.size() || bytes.substr(0, kCheckpointMagic.size()) != kCheckpointMagic) {
    throw_io_error("{}: not an actorcritic checkpoint (bad magic)", source);
  }
  constexpr std::size_t kHeader = kCheckpointMagic.size() + 2 * sizeof(std::uint32_t);
  if (bytes.size() < kHeader + sizeof(std::uint64_t)) {
    throw_io_error("{}: file is truncated ({} bytes)", source, bytes.size());
  }
  const std::string_view body = bytes.substr(0, bytes.size() - sizeof(std::uint64_t));
  std::uint64_t stored_checksum;
  std::memcpy(&stored_checksum, bytes.data() + body.size(), sizeof stored_checksum);
  if (stored_checksum != fnv1a64(body)) {
    throw_io_error("{}: checksum mismatch: the file is truncated or corrupted", source);
  }
  ByteReader in(body, source);
  char magic[kCheckpointMagic.size()];
  in.get_bytes(magic, sizeof magic, "magic");
  const auto version = in.get<std::uint32_t>("version");
  if (version != kCheckpointVersion) {
    throw_io_error("{}: checkpoint format version {} is not supported: this build reads version {}{}", source,
                   version, kCheckpointVersion,
                   version < kCheckpointVersion ? " (the file predates hyperparameters in checkpoints; retrain)" : "");
  }
  const auto scalar_bytes = in.get<std::uint32_t>("scalar size");
  if (scalar_bytes != sizeof(Scalar)) {
    throw_io_error("{}: parameters are stored as {}-byte scalars, this program uses {}-byte scalars", source,
                   scalar_bytes, sizeof(Scalar));
  }
  return body.substr(kHeader);
}

/// What every checkpoint begins with: which algorithm, on what, with which
/// run settings (train/run.hpp's RunConfig comes next; read it with the run).
struct CheckpointHeader {
  std::string algorithm;  // the algorithm class's kName ("ppo", "a2c", ...)
  CheckpointEnvironment environment;
  /// The policy's distribution where the space alone does not say it: "squashed_gaussian"
  /// for a SquashedGaussianActor, "beta" for a BetaActor; empty (and not written) for the
  /// default of each space.
  std::string policy{};

  template <class Archive>
  void serialize(Archive& a) {
    a.field("algorithm", algorithm);
    a.field("environment", environment);
    archive::optional_field(a, "policy", !policy.empty(), policy,
                            archive::Check{[](const std::string& p) { return p == "squashed_gaussian" || p == "beta"; },
                                           "\"squashed_gaussian\" or \"beta\""});
  }
};

/// What CheckpointHeader::policy records for an actor type.
template <class Actor>
std::string checkpoint_policy_kind() {
  if constexpr (kSquashedActions<typename Actor::Distribution>) return "squashed_gaussian";
  if constexpr (kUnitIntervalActions<typename Actor::Distribution>) return "beta";
  return {};
}

/// Throws IoError unless the checkpoint's policy is the one Actor loads.
template <class Actor>
void check_checkpoint_policy(const CheckpointHeader& header, const std::string& source) {
  const std::string expected = checkpoint_policy_kind<Actor>();
  if (header.policy != expected) {
    throw_io_error("{}: the checkpoint's policy is {}, this program loads a {} policy", source,
                   header.policy.empty() ? "the space's default" : header.policy,
                   expected.empty() ? "default" : expected);
  }
}

}  // namespace ac
