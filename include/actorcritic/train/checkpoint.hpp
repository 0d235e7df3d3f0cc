#pragma once
// Training checkpoints: everything a run needs to act again or to resume —
// which algorithm on which environment (its id and spaces), each network's
// architecture and parameters, the normalizer's statistics and the learner's
// state (optimizer moments, adaptive coefficients) and the training loop's
// state (environments, generator, budget) for a bit-identical resume. Format,
// little-endian:
//
//   magic "ACCKPT\r\n" | u32 version | u32 scalar bytes
//   | str algo | str env id | u64 observation dim | u8 discrete | u64 action size
//   | f32[action size] low, high (Box only) | u64 seed | i64 steps
//   | network actor | u8 has critic [network critic] | str normalizer | str learner
//   | str training | u64 FNV-1a of everything before it
//
//   str = u64 length + bytes;  network = u64 inputs, u64 layer count, u64[]
//   widths, u64 outputs, u8 activation, u8 layer norm, u64 trailing, then the
//   parameter vector (u64 count + scalars).
//
// Written atomically. Reading checks, in order: empty, magic (a foreign file),
// length and checksum (truncation, corruption), version, scalar type, then every
// field's range; each failure is an IoError that says which. Sizes are checked
// against the bytes present before anything is allocated, so a hostile file
// cannot make the loader allocate more than its own length.

#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/binary_io.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/activation.hpp"
#include "actorcritic/nn/mlp.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ac {

inline constexpr std::string_view kCheckpointMagic = "ACCKPT\r\n";
inline constexpr std::uint32_t kCheckpointVersion = 1;

/// What the checkpoint was trained on: the environment and its spaces.
struct CheckpointEnvironment {
  std::string id;
  Index observation_dim = 0;
  bool discrete = true;
  Index action_size = 0;                     // actions (Discrete) or dimensions (Box)
  std::vector<float> action_low, action_high;  // Box bounds; empty for Discrete

  friend bool operator==(const CheckpointEnvironment&, const CheckpointEnvironment&) = default;
};

template <RealScalar Scalar>
struct NetworkRecord {
  nn::MlpConfig config;
  Vector<Scalar> parameters;
};

template <RealScalar Scalar>
struct Checkpoint {
  std::string algorithm;
  CheckpointEnvironment environment;
  std::uint64_t seed = 0;
  std::int64_t steps = 0;  // environment steps trained
  NetworkRecord<Scalar> actor;
  std::optional<NetworkRecord<Scalar>> critic;  // none: REINFORCE, or a shared trunk (in the actor's network)
  std::string normalizer;  // VecNormalize::save bytes; empty: no normalization
  std::string learner;     // the algorithm's save_state bytes
  std::string training;    // the training loop's state (environments, generator, budget); empty: none
};

namespace detail {

inline constexpr std::uint64_t kMaxLayers = 64;
inline constexpr std::uint64_t kMaxWidth = std::uint64_t{1} << 20;

template <RealScalar Scalar>
void write_network(ByteWriter& out, const NetworkRecord<Scalar>& n) {
  const auto& c = n.config;
  out.put(static_cast<std::uint64_t>(c.inputs));
  out.put(static_cast<std::uint64_t>(c.hidden.size()));
  for (const Index width : c.hidden) out.put(static_cast<std::uint64_t>(width));
  out.put(static_cast<std::uint64_t>(c.outputs));
  out.put(static_cast<std::uint8_t>(c.activation == nn::Activation::tanh ? 0 : 1));
  out.put(static_cast<std::uint8_t>(c.layer_norm));
  out.put(static_cast<std::uint64_t>(c.trailing_parameters));
  write_vector<Scalar>(out, n.parameters);
}

inline std::uint64_t read_size(ByteReader& in, std::string_view field, std::uint64_t low, std::uint64_t high) {
  const auto value = in.get<std::uint64_t>(field);
  if (value < low || value > high) {
    throw_io_error("{}: {} is {}, expected {}..{}", in.source(), field, value, low, high);
  }
  return value;
}

inline bool read_flag(ByteReader& in, std::string_view field) {
  const auto value = in.get<std::uint8_t>(field);
  if (value > 1) throw_io_error("{}: {} is {}, expected 0 or 1", in.source(), field, value);
  return value == 1;
}

template <RealScalar Scalar>
NetworkRecord<Scalar> read_network(ByteReader& in, std::string_view name) {
  const std::string field(name);
  NetworkRecord<Scalar> n;
  auto& c = n.config;
  c.inputs = static_cast<Index>(read_size(in, field + " inputs", 1, kMaxWidth));
  c.hidden.resize(read_size(in, field + " layer count", 0, kMaxLayers));
  for (auto& width : c.hidden) width = static_cast<Index>(read_size(in, field + " layer width", 1, kMaxWidth));
  c.outputs = static_cast<Index>(read_size(in, field + " outputs", 1, kMaxWidth));
  const auto activation = in.get<std::uint8_t>(field + " activation");
  if (activation > 1) throw_io_error("{}: {} activation is {}, expected 0 (tanh) or 1 (relu)", in.source(), field, activation);
  c.activation = activation == 0 ? nn::Activation::tanh : nn::Activation::relu;
  c.layer_norm = read_flag(in, field + " layer norm flag");
  c.trailing_parameters = static_cast<Index>(read_size(in, field + " trailing parameters", 0, kMaxWidth));
  const std::uint64_t expected = c.parameter_count();
  const auto count = in.get<std::uint64_t>(field + " parameter count");
  if (count != expected) {
    throw_io_error("{}: {} holds {} parameters, its architecture has {}", in.source(), field, count, expected);
  }
  if (count > in.remaining() / sizeof(Scalar)) {
    throw_io_error("{}: {} parameters need {} bytes, only {} remain", in.source(), field, count * sizeof(Scalar),
                   in.remaining());
  }
  n.parameters.resize(static_cast<Index>(count));
  in.get_bytes(n.parameters.data(), count * sizeof(Scalar), field + " parameters");
  if (!n.parameters.allFinite()) throw_io_error("{}: {} parameters are not all finite", in.source(), field);
  return n;
}

}  // namespace detail

template <RealScalar Scalar>
std::string checkpoint_to_bytes(const Checkpoint<Scalar>& c) {
  ByteWriter out;
  out.put_bytes(kCheckpointMagic.data(), kCheckpointMagic.size());
  out.put(kCheckpointVersion);
  out.put(static_cast<std::uint32_t>(sizeof(Scalar)));
  out.put_string(c.algorithm);
  const auto& e = c.environment;
  out.put_string(e.id);
  out.put(static_cast<std::uint64_t>(e.observation_dim));
  out.put(static_cast<std::uint8_t>(e.discrete));
  out.put(static_cast<std::uint64_t>(e.action_size));
  if (!e.discrete) {
    if (e.action_low.size() != static_cast<std::size_t>(e.action_size) || e.action_high.size() != e.action_low.size()) {
      throw_invalid_argument("checkpoint: environment.action_low/high: expected {} bounds each", e.action_size);
    }
    out.put_bytes(e.action_low.data(), sizeof(float) * e.action_low.size());
    out.put_bytes(e.action_high.data(), sizeof(float) * e.action_high.size());
  }
  out.put(c.seed);
  out.put(c.steps);
  detail::write_network(out, c.actor);
  out.put(static_cast<std::uint8_t>(c.critic.has_value()));
  if (c.critic) detail::write_network(out, *c.critic);
  out.put_string(c.normalizer);
  out.put_string(c.learner);
  out.put_string(c.training);
  std::string bytes = out.bytes();
  const std::uint64_t checksum = fnv1a64(bytes);
  bytes.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
  return bytes;
}

/// Parses a checkpoint; `source` names it in errors (a path).
template <RealScalar Scalar>
Checkpoint<Scalar> checkpoint_from_bytes(std::string_view bytes, const std::string& source) {
  if (bytes.empty()) throw_io_error("{}: file is empty, expected an actorcritic checkpoint", source);
  if (bytes.size() < kCheckpointMagic.size() || bytes.substr(0, kCheckpointMagic.size()) != kCheckpointMagic) {
    throw_io_error("{}: not an actorcritic checkpoint (bad magic)", source);
  }
  constexpr std::size_t kMinimum = kCheckpointMagic.size() + 2 * sizeof(std::uint32_t) + sizeof(std::uint64_t);
  if (bytes.size() < kMinimum) throw_io_error("{}: file is truncated ({} bytes)", source, bytes.size());
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
    throw_io_error("{}: unsupported checkpoint version {} (this build reads version {})", source, version,
                   kCheckpointVersion);
  }
  const auto scalar_bytes = in.get<std::uint32_t>("scalar size");
  if (scalar_bytes != sizeof(Scalar)) {
    throw_io_error("{}: parameters are stored as {}-byte scalars, this program uses {}-byte scalars", source,
                   scalar_bytes, sizeof(Scalar));
  }
  Checkpoint<Scalar> c;
  c.algorithm = in.get_string("algorithm", 64);
  auto& e = c.environment;
  e.id = in.get_string("environment id", 256);
  e.observation_dim = static_cast<Index>(detail::read_size(in, "observation dim", 1, detail::kMaxWidth));
  e.discrete = detail::read_flag(in, "discrete-actions flag");
  e.action_size = static_cast<Index>(detail::read_size(in, "action size", 1, detail::kMaxWidth));
  if (!e.discrete) {
    const auto n = static_cast<std::size_t>(e.action_size);
    if (2 * n * sizeof(float) > in.remaining()) throw_io_error("{}: file is truncated in the action bounds", source);
    e.action_low.resize(n);
    e.action_high.resize(n);
    in.get_bytes(e.action_low.data(), n * sizeof(float), "action low");
    in.get_bytes(e.action_high.data(), n * sizeof(float), "action high");
    for (std::size_t i = 0; i < n; ++i) {
      if (!(e.action_low[i] <= e.action_high[i])) throw_io_error("{}: action bounds are invalid", source);
    }
  }
  c.seed = in.get<std::uint64_t>("seed");
  c.steps = in.get<std::int64_t>("steps");
  if (c.steps < 0) throw_io_error("{}: steps is {}, expected >= 0", source, c.steps);
  c.actor = detail::read_network<Scalar>(in, "actor");
  if (c.actor.config.inputs != e.observation_dim) {
    throw_io_error("{}: the actor takes {} inputs, the environment has {} observations", source,
                   c.actor.config.inputs, e.observation_dim);
  }
  if (detail::read_flag(in, "has-critic flag")) c.critic = detail::read_network<Scalar>(in, "critic");
  c.normalizer = in.get_string("normalizer", in.remaining());
  c.learner = in.get_string("learner state", in.remaining());
  c.training = in.get_string("training state", in.remaining());
  if (in.remaining() != 0) throw_io_error("{}: {} unexpected bytes after the training state", source, in.remaining());
  return c;
}

template <RealScalar Scalar>
void save_checkpoint(const std::filesystem::path& path, const Checkpoint<Scalar>& checkpoint) {
  write_file_atomically(path, checkpoint_to_bytes(checkpoint));
}

template <RealScalar Scalar>
Checkpoint<Scalar> load_checkpoint(const std::filesystem::path& path) {
  return checkpoint_from_bytes<Scalar>(read_file(path), path.string());
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

}  // namespace ac
