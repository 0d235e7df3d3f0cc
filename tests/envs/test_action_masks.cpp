// Environments that mask their actions: GridMaze-v0 against its layout (an
// independent breadth-first search over the layout string), its reward rule,
// the masks VectorEnv collects (after autoreset too), the errors for a state
// without a legal action, and WithoutActionMask.
#include <actorcritic/envs/grid_maze.hpp>
#include <actorcritic/envs/time_limit.hpp>
#include <actorcritic/envs/vector_env.hpp>
#include <actorcritic/envs/without_action_mask.hpp>
#include <array>
#include <catch2/catch.hpp>
#include <deque>
#include <map>
#include <utility>

using ac::Index;
using ac::envs::GridMaze;

static_assert(ac::envs::MaskedEnv<GridMaze>);
static_assert(ac::envs::MaskedEnv<ac::envs::TimeLimit<GridMaze>>);  // wrappers forward action_mask()
static_assert(!ac::envs::MaskedEnv<ac::envs::WithoutActionMask<GridMaze>>);
static_assert(ac::envs::DiscreteEnv<ac::envs::WithoutActionMask<GridMaze>>);
static_assert(ac::VectorEnv<GridMaze>::kMasked && !ac::VectorEnv<ac::envs::WithoutActionMask<GridMaze>>::kMasked);

namespace {

using Cell = std::pair<int, int>;

/// The layout read afresh: a cell is open unless '#'.
bool layout_open(int r, int c) {
  constexpr std::array<const char*, 7> rows{"S.#....", ".##.##.", "...#...", "##.#.##",
                                            "...#...", ".#####.", "......G"};
  return r >= 0 && r < 7 && c >= 0 && c < 7 && rows[static_cast<std::size_t>(r)][c] != '#';
}

constexpr std::array<Cell, 8> kKingMoves{{{-1, 0}, {-1, 1}, {0, 1}, {1, 1}, {1, 0}, {1, -1}, {0, -1}, {-1, -1}}};

bool layout_legal(Cell from, int action) {
  const auto [dr, dc] = kKingMoves[static_cast<std::size_t>(action)];
  const int r = from.first + dr, c = from.second + dc;
  if (!layout_open(r, c)) return false;
  return dr == 0 || dc == 0 || (layout_open(from.first + dr, from.second) && layout_open(from.first, from.second + dc));
}

}  // namespace

TEST_CASE("GridMaze-v0: masks, moves and the shortest path agree with the layout", "[envs][masks]") {
  GridMaze env;
  env.reset(0);
  // Every open cell's mask is the layout's legal moves, and each legal move lands where the layout says.
  for (int r = 0; r < 7; ++r) {
    for (int c = 0; c < 7; ++c) {
      if (!layout_open(r, c)) {
        CHECK_THROWS_WITH(env.set_state(Eigen::Vector2d(r, c)), Catch::Contains("an open cell"));
        continue;
      }
      for (int a = 0; a < 8; ++a) {
        env.set_state(Eigen::Vector2d(r, c));
        CHECK(env.action_mask()(a) == layout_legal({r, c}, a));
        env.step(a);
        const Eigen::VectorXd s = env.state();
        const auto [dr, dc] = kKingMoves[static_cast<std::size_t>(a)];
        const Cell expected = layout_legal({r, c}, a) ? Cell{r + dr, c + dc} : Cell{r, c};
        CHECK(Cell{int(s(0)), int(s(1))} == expected);
      }
    }
  }
  // Breadth-first search over the layout: 16 moves from the start to the goal.
  std::map<Cell, int> distance{{{0, 0}, 0}};
  std::deque<Cell> queue{{0, 0}};
  while (!queue.empty()) {
    const Cell cell = queue.front();
    queue.pop_front();
    for (int a = 0; a < 8; ++a) {
      if (!layout_legal(cell, a)) continue;
      const Cell next{cell.first + kKingMoves[std::size_t(a)].first, cell.second + kKingMoves[std::size_t(a)].second};
      if (distance.emplace(next, distance[cell] + 1).second) queue.push_back(next);
    }
  }
  REQUIRE(distance.count({6, 6}) == 1);
  CHECK(distance[{6, 6}] == 16);
}

TEST_CASE("GridMaze-v0: the goal pays 1 - 0.9 t/T, illegal moves cost a step, the limit truncates", "[envs][masks]") {
  GridMaze env;
  auto o = env.reset(3);
  CHECK(o.sum() == 1.0f);
  CHECK(o(0) == 1.0f);
  // Bump into the wall twice (north is illegal at the start), then walk a shortest path.
  CHECK_FALSE(env.action_mask()(0));
  for (int k = 0; k < 2; ++k) {
    const auto r = env.step(0);
    CHECK(r.observation == o);
    CHECK(r.reward == 0.0);
    CHECK_FALSE(r.terminated);
  }
  // Greedy descent of the BFS distance to the goal, computed on the layout.
  std::map<Cell, int> to_goal{{{6, 6}, 0}};
  std::deque<Cell> queue{{6, 6}};
  while (!queue.empty()) {
    const Cell cell = queue.front();
    queue.pop_front();
    for (int a = 0; a < 8; ++a) {
      if (!layout_legal(cell, a)) continue;  // moves are symmetric: legal one way, legal back
      const Cell next{cell.first + kKingMoves[std::size_t(a)].first, cell.second + kKingMoves[std::size_t(a)].second};
      if (to_goal.emplace(next, to_goal[cell] + 1).second) queue.push_back(next);
    }
  }
  Cell at{0, 0};
  long steps = 2;
  double reward = 0.0;
  bool terminated = false;
  while (!terminated) {
    int best = -1;
    for (int a = 0; a < 8; ++a) {
      if (!layout_legal(at, a)) continue;
      const Cell next{at.first + kKingMoves[std::size_t(a)].first, at.second + kKingMoves[std::size_t(a)].second};
      if (best < 0 || to_goal[next] < to_goal[{at.first + kKingMoves[std::size_t(best)].first,
                                               at.second + kKingMoves[std::size_t(best)].second}]) {
        best = a;
      }
    }
    const auto r = env.step(best);
    at = {at.first + kKingMoves[std::size_t(best)].first, at.second + kKingMoves[std::size_t(best)].second};
    ++steps;
    reward = r.reward;
    terminated = r.terminated;
    if (!terminated) CHECK(r.reward == 0.0);
  }
  CHECK(steps == 18);
  CHECK(reward == 1.0 - 0.9 * 18.0 / 100.0);
  // Bumping for the whole limit truncates without a reward.
  env.reset();
  for (int k = 0; k < 99; ++k) CHECK_FALSE(env.step(0).truncated);
  const auto last = env.step(0);
  CHECK(last.truncated);
  CHECK_FALSE(last.terminated);
  CHECK(last.reward == 0.0);
}

TEST_CASE("VectorEnv collects every copy's masks, after autoreset the new episode's", "[envs][vector][masks]") {
  ac::VectorEnv<GridMaze> env(3, 0);
  REQUIRE(env.action_masks().rows() == 8);
  REQUIRE(env.action_masks().cols() == 3);
  for (Index i = 0; i < 3; ++i) CHECK((env.action_masks().col(i) == env.env(i).action_mask()).all());
  ac::Generator rng(5);
  long ended = 0;
  for (int t = 0; t < 600; ++t) {
    std::array<std::int64_t, 3> actions{};
    for (Index i = 0; i < 3; ++i) {
      // A uniformly drawn legal move, read from the masks the VectorEnv holds.
      std::array<std::int64_t, 8> legal{};
      std::size_t count = 0;
      for (Index a = 0; a < 8; ++a) {
        if (env.action_masks()(a, i)) legal[count++] = a;
      }
      actions[std::size_t(i)] = legal[static_cast<std::size_t>(rng.integer(count))];
    }
    env.step(std::span<const std::int64_t>(actions));
    for (Index i = 0; i < 3; ++i) {
      ended += env.ended(i);
      CHECK((env.action_masks().col(i) == env.env(i).action_mask()).all());
      if (env.ended(i)) CHECK(env.env(i).state() == Eigen::Vector2d(0, 0));  // the next episode's start
    }
  }
  CHECK(ended > 0);
  ac::VectorEnv<ac::envs::WithoutActionMask<GridMaze>> unmasked(2, 0);
  CHECK(unmasked.action_masks().size() == 0);
}

namespace {

/// A discrete env whose mask is all false after `bad_after` steps (a user's bug).
class DeadEnd : public ac::envs::EpisodicEnv<DeadEnd> {
 public:
  using Action = std::int64_t;
  using Observation = Eigen::Matrix<float, 1, 1>;
  static constexpr std::string_view kId = "DeadEnd-v0";
  static constexpr long kMaxEpisodeSteps = 10;
  [[nodiscard]] ac::envs::Box observation_space() const { return {0.0f, 10.0f, 1}; }
  [[nodiscard]] ac::envs::Discrete action_space() const { return ac::envs::Discrete(3); }
  [[nodiscard]] Eigen::VectorXd state() const { return Eigen::VectorXd::Constant(1, double(t_)); }
  [[nodiscard]] Eigen::Array<bool, Eigen::Dynamic, 1> action_mask() const {
    return Eigen::Array<bool, Eigen::Dynamic, 1>::Constant(3, t_ < 2);
  }

 private:
  friend class ac::envs::EpisodicEnv<DeadEnd>;
  void reset_state(ac::Generator&) { t_ = 0; }
  void load_state(const Eigen::VectorXd& s) { t_ = int(s(0)); }
  [[nodiscard]] Observation observation() const { return Observation::Constant(float(t_)); }
  Transition advance(Action) {
    ++t_;
    return {0.0, false};
  }
  int t_ = 0;
};

}  // namespace

TEST_CASE("a state without a legal action is an error naming the environment, the copy and the step",
          "[envs][vector][masks]") {
  static_assert(ac::envs::MaskedEnv<DeadEnd>);
  ac::VectorEnv<DeadEnd> env(2, 0);
  const std::array<std::int64_t, 2> actions{0, 1};
  env.step(std::span<const std::int64_t>(actions));
  CHECK_THROWS_WITH(env.step(std::span<const std::int64_t>(actions)),
                    Catch::Contains("DeadEnd-v0") && Catch::Contains("copy 0") && Catch::Contains("after step 2") &&
                        Catch::Contains("no legal action"));
}
