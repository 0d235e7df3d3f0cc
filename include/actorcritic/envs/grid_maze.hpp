#pragma once
// GridMaze-v0: the demonstration of invalid-action masking (Huang & Ontañón
// 2020, arXiv 2006.14171). A 7 x 7 maze of corridors; the agent starts in the
// top-left corner and must reach the bottom-right one. It has eight moves, the
// king's (0 north, then clockwise: NE, E, SE, S, SW, W, NW); a move is legal
// when its target is an open cell, and a diagonal one also needs both cells
// beside it open (no cutting corners). In these corridors 1.9 of the 8 moves
// are legal on average, and action_mask() says which.
//
// An illegal move leaves the agent where it is (MiniGrid's bump into a wall)
// and still costs a step. Reaching the goal ends the episode with MiniGrid's
// reward, 1 − 0.9 · (steps taken / step limit); every other step earns 0. The
// step limit is 100 and the shortest path takes 16 moves (return 0.856).
//
// Measured with uniformly random moves (100,000 episodes each): over the
// legal moves only, 18.7% of the episodes reach the goal; over all eight,
// 0.16%. An agent that ignores the masks sees a reward too rarely to learn in
// the budget in which a masked one solves the maze (tests/envs, docs/policies.md).
//
// The observation is the one-hot of the agent's cell (49 values, row-major).

#include "actorcritic/envs/env.hpp"

#include <array>
#include <cstdint>

namespace ac::envs {

class GridMaze : public EpisodicEnv<GridMaze> {
 public:
  static constexpr int kRows = 7, kCols = 7, kActions = 8;
  using Action = std::int64_t;
  using Observation = Eigen::Matrix<float, kRows * kCols, 1>;
  using Mask = Eigen::Array<bool, kActions, 1>;

  static constexpr std::string_view kId = "GridMaze-v0";
  static constexpr long kMaxEpisodeSteps = 100;
  /// '#' a wall, 'S' the start, 'G' the goal, '.' open.
  static constexpr std::array<std::string_view, kRows> kLayout{
      "S.#....",  //
      ".##.##.",  //
      "...#...",  //
      "##.#.##",  //
      "...#...",  //
      ".#####.",  //
      "......G",  //
  };
  /// (row, column) steps of the eight moves, north first, clockwise.
  static constexpr std::array<std::array<int, 2>, kActions> kMoves{
      {{-1, 0}, {-1, 1}, {0, 1}, {1, 1}, {1, 0}, {1, -1}, {0, -1}, {-1, -1}}};

  GridMaze() { update_mask(); }

  [[nodiscard]] Box observation_space() const { return Box(0.0f, 1.0f, kRows * kCols); }
  [[nodiscard]] Discrete action_space() const { return Discrete(kActions); }
  /// (row, column) of the agent.
  [[nodiscard]] Eigen::VectorXd state() const { return Eigen::Vector2d(row_, col_); }
  /// The legal moves from the agent's cell.
  [[nodiscard]] const Mask& action_mask() const { return mask_; }

  [[nodiscard]] static bool open(int row, int col) {
    return row >= 0 && row < kRows && col >= 0 && col < kCols && kLayout[row][col] != '#';
  }
  [[nodiscard]] static bool legal(int row, int col, Action action) {
    const auto [dr, dc] = kMoves[static_cast<std::size_t>(action)];
    if (!open(row + dr, col + dc)) return false;
    return dr == 0 || dc == 0 || (open(row + dr, col) && open(row, col + dc));
  }

 private:
  friend class EpisodicEnv<GridMaze>;
  static constexpr int kGoalRow = kRows - 1, kGoalCol = kCols - 1;

  void reset_state(Generator&) {  // the start is fixed: nothing to draw
    row_ = 0;
    col_ = 0;
    update_mask();
  }

  void load_state(const Eigen::VectorXd& state) {
    const int row = static_cast<int>(state(0)), col = static_cast<int>(state(1));
    if (double(row) != state(0) || double(col) != state(1) || !open(row, col)) {
      throw_invalid_argument("{}: set_state: expected the (row, column) of an open cell, got ({}, {})", kId, state(0),
                             state(1));
    }
    row_ = row;
    col_ = col;
    update_mask();
  }

  [[nodiscard]] Observation observation() const {
    Observation o = Observation::Zero();
    o(row_ * kCols + col_) = 1.0f;
    return o;
  }

  Transition advance(Action action) {
    if (mask_(action)) {
      const auto [dr, dc] = kMoves[static_cast<std::size_t>(action)];
      row_ += dr;
      col_ += dc;
      update_mask();
    }
    if (row_ != kGoalRow || col_ != kGoalCol) return {0.0, false};
    const double taken = double(elapsed_steps() + 1);
    return {1.0 - 0.9 * taken / double(max_episode_steps()), true};
  }

  void update_mask() {
    for (int a = 0; a < kActions; ++a) mask_(a) = legal(row_, col_, a);
  }

  int row_ = 0, col_ = 0;
  Mask mask_;
};

}  // namespace ac::envs
