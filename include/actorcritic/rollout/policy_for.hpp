#pragma once
// The policy type an environment's action space calls for: a categorical
// policy for Discrete, a factored categorical one for MultiDiscrete, Bernoulli
// bits for MultiBinary, and a diagonal Gaussian for Box.
//
//   ac::PolicyFor<ac::envs::CopyDigits> actor(...);   // MultiCategoricalActor<float>

#include "actorcritic/envs/env.hpp"
#include "actorcritic/policies/categorical_actor.hpp"
#include "actorcritic/policies/box_actor.hpp"
#include "actorcritic/policies/multi_discrete_actors.hpp"

#include <type_traits>

namespace ac {

namespace detail {
template <class E, class Scalar>
struct PolicyForSpace {
  using type = GaussianActor<Scalar>;
};
template <class E, class Scalar>
  requires envs::DiscreteEnv<E>
struct PolicyForSpace<E, Scalar> {
  using type = CategoricalActor<Scalar>;
};
template <class E, class Scalar>
  requires envs::MultiDiscreteEnv<E>
struct PolicyForSpace<E, Scalar> {
  using type = MultiCategoricalActor<Scalar>;
};
template <class E, class Scalar>
  requires envs::MultiBinaryEnv<E>
struct PolicyForSpace<E, Scalar> {
  using type = BernoulliActor<Scalar>;
};
}  // namespace detail

template <envs::Env E, RealScalar Scalar = float>
using PolicyFor = typename detail::PolicyForSpace<E, Scalar>::type;

}  // namespace ac
