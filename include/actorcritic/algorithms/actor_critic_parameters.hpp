#pragma once
// The actor's and the critic's parameters, updated as one optimizer over both
// would update them (SB3 uses a single optimizer over the policy and value
// networks): one zeroing of the gradients, one global gradient norm, one step
// per network. Adam and RMSprop are elementwise, so an optimizer per network
// is the same as one over the concatenation. When the two are one network (a
// SharedActorCritic trunk) every operation happens once, on that network.
// Data-parallel, average_gradients() turns every rank's gradients into the
// global batch's with one allreduce over both networks' gradients, so that
// the clip and the step that follow are the same on every rank.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/communicator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/core/worker_thread.hpp"
#include "actorcritic/nn/mlp.hpp"
#include "actorcritic/optim/gradient_clipping.hpp"

#include <initializer_list>
#include <optional>
#include <span>
#include <vector>

namespace ac {

/// `Optimizer` is constructible from (parameter count, config) and has step() and set_learning_rate().
template <RealScalar Scalar, class Optimizer>
class ActorCriticParameters {
 public:
  template <class OptimizerConfig>
  ActorCriticParameters(nn::Mlp<Scalar>& actor, nn::Mlp<Scalar>& critic, const OptimizerConfig& config)
      : actor_(actor), critic_(critic), actor_optimizer_(actor.parameter_count(), config) {
    if (!shared()) critic_optimizer_.emplace(critic.parameter_count(), config);
  }

  /// Whether actor and critic are one network (a shared trunk).
  [[nodiscard]] bool shared() const { return &actor_ == &critic_; }

  /// Call before the backward passes of an update: both heads then accumulate.
  void zero_gradients() {
    actor_.zero_gradients();
    if (!shared()) critic_.zero_gradients();
  }

  /// The ranks this learner trains with (a single process by default).
  void set_communicator(CommunicatorRef comm) { comm_ = comm; }
  [[nodiscard]] CommunicatorRef communicator() const { return comm_; }

  /// Each rank's gradients of its mean loss over its `samples` become the
  /// gradients of the mean loss over all ranks' samples (ac::average_gradients,
  /// one allreduce). Returns the global count; one process changes nothing.
  double average_gradients(double samples) {
    if (comm_.size() == 1) return samples;
    if (shared()) return ac::average_gradients(comm_, actor_.gradients(), samples, workspace_);
    auto span_of = [](Vector<Scalar>& g) { return std::span<Scalar>(g.data(), static_cast<std::size_t>(g.size())); };
    return ac::average_gradients(
        comm_, std::initializer_list<std::span<Scalar>>{span_of(actor_.gradients()), span_of(critic_.gradients())},
        samples, workspace_);
  }

  /// Scales all gradients to a global L2 norm of at most max_norm; returns the norm before.
  double clip_gradients(double max_norm) {
    if (shared()) return optim::clip_gradient_norm<Scalar>(actor_.gradients(), max_norm);
    return optim::clip_gradient_norm<Scalar>({&actor_.gradients(), &critic_.gradients()}, max_norm);
  }

  /// One optimizer step per network. Given a worker, the critic's step runs there while this thread takes
  /// the actor's: the optimizers are separate and elementwise, so the bits are the same.
  void step(WorkerThread* worker = nullptr) {
    auto critic_step = [this] {
      if (critic_optimizer_) critic_optimizer_->step(critic_.parameters(), critic_.gradients());
    };
    const WorkerThread::Guard guard(worker);
    if (worker != nullptr) worker->post(critic_step);
    actor_optimizer_.step(actor_.parameters(), actor_.gradients());
    if (worker != nullptr) {
      worker->wait();
    } else {
      critic_step();
    }
  }

  void set_learning_rate(double learning_rate) {
    actor_optimizer_.set_learning_rate(learning_rate);
    if (critic_optimizer_) critic_optimizer_->set_learning_rate(learning_rate);
  }

  /// Both optimizers' states (the critic's only when the networks are separate).
  template <class Archive>
  void serialize(Archive& a) {
    bool shared_trunk = shared();
    a.field("shared_trunk", shared_trunk,
            archive::Check{[this](bool s) { return s == shared(); }, shared() ? "a shared trunk, as this run has"
                                                                             : "separate networks, as this run has"});
    a.field("actor_optimizer", actor_optimizer_);
    if (critic_optimizer_) a.field("critic_optimizer", *critic_optimizer_);
  }

 private:
  nn::Mlp<Scalar>& actor_;
  nn::Mlp<Scalar>& critic_;
  Optimizer actor_optimizer_;
  std::optional<Optimizer> critic_optimizer_;
  CommunicatorRef comm_;
  std::vector<Scalar> workspace_;
};

}  // namespace ac
