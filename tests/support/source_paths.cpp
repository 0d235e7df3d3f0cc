// The source tree's directories (tests/CMakeLists.txt defines them for this file alone).
#include <support/source_paths.hpp>

#if !defined(AC_TEST_DATA_DIR) || !defined(AC_DOCS_DIR)
#error "AC_TEST_DATA_DIR, AC_DOCS_DIR: the paths of tests/data and docs/ (tests/CMakeLists.txt defines them)"
#endif

namespace ac::test {

const char* test_data_dir() { return AC_TEST_DATA_DIR; }
const char* docs_dir() { return AC_DOCS_DIR; }

}  // namespace ac::test
