#pragma once
// Raw save/load of a flat parameter vector. Format (little-endian):
//   "ACPARAMS" | u32 version | u32 scalar bytes (4 or 8) | u64 count | count scalars | u64 FNV-1a
// of everything before the checksum. Written atomically; every way a file can
// be wrong (empty, truncated, foreign, corrupted, other scalar type, other
// size) is an IoError that says which.

#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/binary_io.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/mlp.hpp"

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace ac::nn {

inline constexpr std::string_view kParameterMagic = "ACPARAMS";
inline constexpr std::uint32_t kParameterFormatVersion = 1;

template <RealScalar Scalar>
void save_parameters(const std::filesystem::path& path, ConstVectorRef<Scalar> parameters) {
  ByteWriter out;
  out.put_bytes(kParameterMagic.data(), kParameterMagic.size());
  out.put(kParameterFormatVersion);
  out.put(static_cast<std::uint32_t>(sizeof(Scalar)));
  out.put(static_cast<std::uint64_t>(parameters.size()));
  out.put_bytes(parameters.data(), sizeof(Scalar) * static_cast<std::size_t>(parameters.size()));
  out.put(fnv1a64(out.bytes()));
  write_file_atomically(path, out.bytes());
}

/// Loads into `parameters`, whose size must equal the stored count.
template <RealScalar Scalar>
void load_parameters(const std::filesystem::path& path, VectorRef<Scalar> parameters) {
  const std::string bytes = read_file(path);
  const std::string source = path.string();
  if (bytes.empty()) throw_io_error("{}: file is empty, expected an actorcritic parameter file", source);
  if (bytes.size() < kParameterMagic.size() ||
      std::string_view(bytes).substr(0, kParameterMagic.size()) != kParameterMagic) {
    throw_io_error("{}: not an actorcritic parameter file (bad magic)", source);
  }
  if (bytes.size() < kParameterMagic.size() + sizeof(std::uint64_t)) {
    throw_io_error("{}: file is truncated ({} bytes)", source, bytes.size());
  }
  const std::string_view body(bytes.data(), bytes.size() - sizeof(std::uint64_t));
  ByteReader in(bytes, source);
  char magic[kParameterMagic.size()];
  in.get_bytes(magic, sizeof magic, "magic");
  const auto version = in.get<std::uint32_t>("version");
  if (version != kParameterFormatVersion) {
    throw_io_error("{}: unsupported parameter format version {} (this build reads version {})", source,
                   version, kParameterFormatVersion);
  }
  const auto scalar_bytes = in.get<std::uint32_t>("scalar size");
  if (scalar_bytes != sizeof(Scalar)) {
    throw_io_error("{}: parameters are stored as {}-byte scalars, expected {}-byte", source, scalar_bytes,
                   sizeof(Scalar));
  }
  const auto count = in.get<std::uint64_t>("parameter count");
  if (count != static_cast<std::uint64_t>(parameters.size())) {
    throw_io_error("{}: file holds {} parameters, the model expects {}", source, count, parameters.size());
  }
  if (in.remaining() != count * sizeof(Scalar) + sizeof(std::uint64_t)) {
    throw_io_error("{}: file is truncated or has trailing bytes: {} bytes after the header, expected {}",
                   source, in.remaining(), count * sizeof(Scalar) + sizeof(std::uint64_t));
  }
  const auto stored_checksum = [&] {
    std::uint64_t value;
    std::memcpy(&value, bytes.data() + body.size(), sizeof value);
    return value;
  }();
  if (stored_checksum != fnv1a64(body)) throw_io_error("{}: checksum mismatch, the file is corrupted", source);
  in.get_bytes(parameters.data(), count * sizeof(Scalar), "parameters");
}

template <RealScalar Scalar>
void save_parameters(const std::filesystem::path& path, const Mlp<Scalar>& mlp) {
  save_parameters<Scalar>(path, mlp.parameters());
}

template <RealScalar Scalar>
void load_parameters(const std::filesystem::path& path, Mlp<Scalar>& mlp) {
  load_parameters<Scalar>(path, mlp.parameters());
}

}  // namespace ac::nn
