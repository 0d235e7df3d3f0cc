// Checks an exported policy header (actorcritic-export) against the actions
// actorcritic-eval --record took on the same observations. Compiled with no
// include path but the header's folder:
//   c++ -std=c++17 -I DIR -DPOLICY_NAMESPACE=NAME -DPOLICY_DISCRETE=0|1 [-DPOLICY_MASKED=1] [-DPOLICY_MULTI=1]
//       check_policy.cpp
//   check_policy RECORD.csv
// With POLICY_MASKED (an environment that masks its actions), the record ends
// with the legal actions (legal_0, ...), and the header's act(observation, legal) is checked.
// With POLICY_MULTI=1 (MultiDiscrete) or 2 (MultiBinary), and POLICY_DISCRETE=0, every
// component must be the recorded one, unless the header's own logits tie within the tolerance
// (for a bit: its logit is within it of 0).
// With POLICY_RECURRENT=1 the header carries a GRU state: the check starts each recorded
// episode from a zero State and passes it to every act(), as actorcritic-eval carried its own.
// POLICY_FORGET_STATE=1 zeroes it before every step instead: the export test's proof that the
// check sees a state that is not carried.
// Continuous actions must agree within 1e-5 · max(1, |action|); a discrete
// action must be the recorded one, unless the header's own logits of the two
// tie within that tolerance (the library and the header sum in different orders).
// Prints how many actions were bit-identical (and the first ten disagreements); exit 1 on any.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "policy.hpp"

namespace policy_under_test = POLICY_NAMESPACE;

#ifndef POLICY_MASKED
#define POLICY_MASKED 0
#endif
#ifndef POLICY_MULTI
#define POLICY_MULTI 0
#endif
#ifndef POLICY_RECURRENT
#define POLICY_RECURRENT 0
#endif
#ifndef POLICY_FORGET_STATE
#define POLICY_FORGET_STATE 0
#endif
// A recurrent header's act() and forward() take the episode's state last.
#if POLICY_RECURRENT
#define STATE_ARGUMENT , state
#define STATE_BEFORE_ACT , state_before_act
#else
#define STATE_ARGUMENT
#define STATE_BEFORE_ACT
#endif

namespace {

constexpr double kTolerance = 1e-5;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream stream(line);
  std::string cell;
  while (std::getline(stream, cell, ',')) cells.push_back(cell);
  return cells;
}

float to_float(const std::string& text) {
  char* end = nullptr;
  const float v = std::strtof(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') {
    std::fprintf(stderr, "check_policy: not a number: \"%s\"\n", text.c_str());
    std::exit(1);
  }
  return v;
}

bool close(double a, double b) { return std::fabs(a - b) <= kTolerance * std::fmax(1.0, std::fabs(b)); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: check_policy RECORD.csv\n");
    return 2;
  }
  std::ifstream file(argv[1]);
  std::string line;
  if (!std::getline(file, line)) {
    std::fprintf(stderr, "check_policy: %s: empty\n", argv[1]);
    return 1;
  }
  constexpr int observations = policy_under_test::observation_dim;
#if POLICY_DISCRETE
  constexpr int actions = 1;
  constexpr int mask_columns = POLICY_MASKED ? policy_under_test::action_count : 0;
#elif POLICY_MULTI
  constexpr int mask_columns = 0;
  constexpr int actions = policy_under_test::action_components;
#else
  constexpr int mask_columns = 0;
  constexpr int actions = policy_under_test::action_dim;
#endif
  const std::vector<std::string> header = split(line);
  // episode, step, observations, actions, reward, terminated, truncated
  if (header.size() != static_cast<std::size_t>(2 + observations + actions + 3 + mask_columns) ||
      header[2] != "observation_0" || header[static_cast<std::size_t>(2 + observations)] != "action_0" ||
      (mask_columns > 0 && header[static_cast<std::size_t>(2 + observations + actions + 3)] != "legal_0")) {
    std::fprintf(stderr, "check_policy: %s: columns do not match %d observations and %d action values\n", argv[1],
                 observations, actions);
    return 1;
  }
  long rows = 0, identical = 0, near_ties = 0, failures = 0;
  double worst = 0;  // largest |difference| / max(1, |recorded|)
#if POLICY_RECURRENT
  policy_under_test::State state{};
  std::string episode;
#endif
  while (std::getline(file, line)) {
    const std::vector<std::string> cells = split(line);
    if (cells.size() != header.size()) {
      std::fprintf(stderr, "check_policy: row %ld has %zu cells, expected %zu\n", rows + 1, cells.size(),
                   header.size());
      return 1;
    }
    float observation[observations];
    for (int i = 0; i < observations; ++i) observation[i] = to_float(cells[static_cast<std::size_t>(2 + i)]);
    ++rows;
#if POLICY_RECURRENT
    if (cells[0] != episode || POLICY_FORGET_STATE) {  // a new episode starts from a zero state
      policy_under_test::reset(state);
      episode = cells[0];
    }
    // The near-tie checks below recompute this step's outputs from the state act() started from.
    [[maybe_unused]] policy_under_test::State state_before_act = state;  // advanced by that recomputation
#endif
#if POLICY_DISCRETE
    const int recorded = std::atoi(cells[static_cast<std::size_t>(2 + observations)].c_str());
#if POLICY_MASKED
    bool legal[policy_under_test::action_count];
    for (int i = 0; i < mask_columns; ++i) legal[i] = cells[static_cast<std::size_t>(2 + observations + 4 + i)] == "1";
    const int action = policy_under_test::act(observation, legal STATE_ARGUMENT);
#else
    const int action = policy_under_test::act(observation STATE_ARGUMENT);
#endif
    if (action == recorded) {
      ++identical;
      continue;
    }
    float logits[policy_under_test::action_count];
    policy_under_test::forward(observation, logits STATE_BEFORE_ACT);
    const bool tie = recorded >= 0 && recorded < policy_under_test::action_count &&
                     close(double(logits[action]), double(logits[recorded]));
    if (tie) {
      ++near_ties;
    } else {
      if (++failures <= 10)
        std::fprintf(stderr, "row %ld: the header acts %d, actorcritic-eval took %d\n", rows, action, recorded);
    }
#elif POLICY_MULTI
    int action[actions];
    policy_under_test::act(observation, action STATE_ARGUMENT);
#if POLICY_MULTI == 1
    float logits[policy_under_test::logit_count];
#else
    float logits[actions];
#endif
    policy_under_test::forward(observation, logits STATE_BEFORE_ACT);
    bool same = true, tie = true;
    [[maybe_unused]] int offset = 0;
    for (int k = 0; k < actions; ++k) {
      const int recorded = std::atoi(cells[static_cast<std::size_t>(2 + observations + k)].c_str());
#if POLICY_MULTI == 1
      const int n = policy_under_test::nvec[k];
      const bool close_logits =
          recorded >= 0 && recorded < n && close(double(logits[offset + action[k]]), double(logits[offset + recorded]));
      offset += n;
#else
      const bool close_logits = close(double(logits[k]), 0.0);
#endif
      if (action[k] != recorded) {
        same = false;
        tie = tie && close_logits;
      }
    }
    if (same) {
      ++identical;
    } else if (tie) {
      ++near_ties;
    } else if (++failures <= 10) {
      std::fprintf(stderr, "row %ld: the header's action differs from actorcritic-eval's\n", rows);
    }
#else
    float action[actions];
    policy_under_test::act(observation, action STATE_ARGUMENT);
    bool same = true;
    for (int i = 0; i < actions; ++i) {
      const float recorded = to_float(cells[static_cast<std::size_t>(2 + observations + i)]);
      same = same && action[i] == recorded;
      worst = std::fmax(worst, std::fabs(double(action[i]) - recorded) / std::fmax(1.0, std::fabs(double(recorded))));
      if (!close(action[i], recorded)) {
        if (++failures <= 10)
          std::fprintf(stderr, "row %ld: action_%d: the header gives %.9g, actorcritic-eval took %.9g\n", rows, i,
                       double(action[i]), double(recorded));
      }
    }
    if (same) ++identical;
#endif
  }
  std::printf(
      "%s: %ld steps, %ld actions bit-identical, %ld near-ties, largest relative difference %.3g, %ld failures\n",
      argv[1], rows, identical, near_ties, worst, failures);
  return rows > 0 && failures == 0 ? 0 : 1;
}
