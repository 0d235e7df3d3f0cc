// Must NOT compile: a user environment that forgot `using Action`. The test
// env_concept_error passes when the compiler prints check_env's message.
#include <actorcritic/envs/vector_env.hpp>

struct ForgotAction {
  using Observation = Eigen::Matrix<float, 1, 1>;
};

ac::VectorEnv<ForgotAction>* pointer_is_enough_to_instantiate_nothing = nullptr;
static_assert(ac::envs::check_env<ForgotAction>());
