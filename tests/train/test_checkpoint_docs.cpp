// docs/run.md's table of the checkpoint's fields is checked against what a
// run writes (ac::Run::checkpoint_fields): the top-level fields, in order, and
// every field name the table's contents column quotes. And docs/train.md's
// complete example is the program ctest builds and runs.
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>

#include <support/source_paths.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>


namespace {

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  REQUIRE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// The rows of the table under "## The checkpoint": first column → second.
std::vector<std::pair<std::string, std::string>> documented_fields(const std::string& page) {
  const auto section = page.find("## The checkpoint");
  REQUIRE(section != std::string::npos);
  std::vector<std::pair<std::string, std::string>> rows;
  std::istringstream lines(page.substr(section));
  std::string line;
  const std::regex row(R"(^\| `([a-z_]+)` \| (.*) \|$)");
  std::smatch match;
  bool in_table = false;
  while (std::getline(lines, line)) {
    if (std::regex_match(line, match, row)) {
      rows.emplace_back(match[1], match[2]);
      in_table = true;
    } else if (in_table && !line.starts_with("|")) {
      break;
    }
  }
  return rows;
}

}  // namespace

TEST_CASE("docs/run.md's checkpoint table matches the fields a run writes", "[train][checkpoint][docs]") {
  // PPO with everything a checkpoint can hold: a separate critic, a normalizer, an adaptive KL coefficient.
  ac::RunConfig config{.envs = 2, .seed = 1, .total_steps = 1024, .actor = {.hidden = {4}}, .critic = {.hidden = {4}}};
  config.normalization = ac::VecNormalizeConfig{};
  auto ppo = ac::PPOConfig::clip_kl();
  ppo.n_steps = 32;
  ppo.batch_size = 32;
  ac::Run<ac::PPO<ac::GaussianActor<float>>, ac::envs::Pendulum> run(config, ppo);
  run.iterate();
  const std::vector<std::string> fields = run.checkpoint_fields();
  std::vector<std::string> top;
  std::map<std::string, std::set<std::string>> below;  // top-level field → the names of every field inside it
  for (const auto& path : fields) {
    const auto dot = path.find('.');
    if (dot == std::string::npos) {
      top.push_back(path);
      continue;
    }
    below[path.substr(0, dot)].insert(path.substr(path.rfind('.') + 1));
  }

  const auto rows = documented_fields(read_text(std::string(ac::test::docs_dir()) + "/run.md"));
  std::vector<std::string> documented;
  for (const auto& [name, contents] : rows) documented.push_back(name);
  CHECK(documented == top);

  // A quoted lower-case name in the contents column is a field inside that record.
  const std::regex quoted("`([a-z_]+)`");
  for (const auto& [name, contents] : rows) {
    for (auto it = std::sregex_iterator(contents.begin(), contents.end(), quoted); it != std::sregex_iterator(); ++it) {
      const std::string field = (*it)[1];
      INFO("docs/run.md: `" << name << "` quotes `" << field << "`");
      CHECK(below[name].count(field) == 1);
    }
  }

  // The envelope's version.
  const std::string envelope = fmt::format("u32 version ({})", ac::kCheckpointVersion);
  CHECK_THAT(read_text(std::string(ac::test::docs_dir()) + "/run.md"), Catch::Contains(envelope));
}

TEST_CASE("docs/train.md's complete example is examples/train_your_own.cpp, which ctest runs", "[docs]") {
  const std::string page = read_text(std::string(ac::test::docs_dir()) + "/train.md");
  const std::string example = read_text(std::string(ac::test::docs_dir()) + "/../examples/train_your_own.cpp");
  const auto section = page.find("## A complete example");
  REQUIRE(section != std::string::npos);
  const auto open = page.find("```cpp\n", section);
  REQUIRE(open != std::string::npos);
  const auto begin = open + 7;
  const auto close = page.find("```", begin);
  REQUIRE(close != std::string::npos);
  CHECK(page.substr(begin, close - begin) == example);
}
