#pragma once
// Invalid-action masks (Huang & Ontañón 2020, "A Closer Look at Invalid Action
// Masking in Policy Gradient Algorithms", arXiv 2006.14171): which
// of a discrete space's actions are legal in a state. A batch of masks is an
// `actions x batch` array of bool, one column per state, true = legal, laid
// out like the logits it masks. An empty (0 x 0) map means "no masks": every
// action is legal, and every masked code path reduces to the unmasked one.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <string_view>

namespace ac {

using ActionMasks = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;
/// A read-only view of masks (a whole ActionMasks, or a block of its columns).
using ActionMaskMap = Eigen::Map<const ActionMasks>;

/// The view that means "every action is legal".
inline ActionMaskMap no_action_masks() { return {nullptr, 0, 0}; }

/// Columns [first, first + count) of `masks`, or no_action_masks() when `masks` is empty.
inline ActionMaskMap mask_columns(const ActionMasks& masks, Index first, Index count) {
  if (masks.size() == 0) return no_action_masks();
  return {masks.data() + first * masks.rows(), masks.rows(), count};
}

/// Throws InvalidArgument unless `masks` is empty or `actions x batch` with at
/// least one legal action per column; `what` names the argument.
inline void check_action_masks(std::string_view what, ActionMaskMap masks, Index actions, Index batch) {
  if (masks.size() == 0) return;
  check_shape(what, masks.rows(), masks.cols(), actions, batch);
  for (Index j = 0; j < batch; ++j) {
    if (!masks.col(j).any()) {
      throw_invalid_argument("{}: column {} has no legal action (expected at least one true of {})", what, j,
                             actions);
    }
  }
}

}  // namespace ac
