// Must NOT compile: an EnvVariant of environments whose action_space() returns
// different types (CartPole-v1 a Discrete by value, a DiscreteDynamicEnv a
// const Discrete&). The test env_variant_error passes when the compiler prints
// EnvVariant's message.
#include <actorcritic/envs/cart_pole.hpp>
#include <actorcritic/envs/dynamic_env.hpp>
#include <actorcritic/envs/env_variant.hpp>

ac::envs::EnvVariant<ac::envs::CartPole, ac::envs::DiscreteDynamicEnv> mixed;
