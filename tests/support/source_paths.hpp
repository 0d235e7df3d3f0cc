#pragma once
// The directories of the source tree that tests read. Only source_paths.cpp
// is compiled with their absolute paths, so that every test file compiles to
// the same bytes in any clone (ccache hits) and may share a unit with others.

namespace ac::test {

/// tests/data: the Gymnasium recordings and numpy RNG vectors.
const char* test_data_dir();
/// docs/ (the checkpoint table, the complete example of docs/train.md).
const char* docs_dir();

}  // namespace ac::test
