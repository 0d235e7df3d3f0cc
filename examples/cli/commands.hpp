#pragma once
// The command-line tools' work as functions of their argv, so that another
// program (the Python module, python/module.cpp) runs exactly what the tool
// runs. Each throws for an error instead of exiting: cli::UsageError or
// ac::InvalidArgument for bad input, ac::IoError for a file, anything else
// for the rest; the tools' mains turn those into exit codes (guarded_main).
// Compiled once, in ac_train_command and ac_eval_command (examples/CMakeLists.txt).

#include <actorcritic/train/evaluate.hpp>

#include <functional>
#include <string>

namespace cli {

struct Environment;  // environments.hpp

/// actorcritic-train on argv (argv[0] names the program in messages): trains, evaluates and writes
/// what the flags ask for. With `custom` (custom_environment_row), trains on that environment instead
/// of a --env of the table. Returns 0.
/// `summary_sink`, when given, receives the run's JSON summary (Invocation::summary_sink).
int train_command(int argc, char** argv, const Environment* custom = nullptr,
                  std::function<void(const std::string&)> summary_sink = {});

/// actorcritic-eval on argv: evaluates a checkpoint; the result into `*result` when given, and its
/// line printed when `print`. With `custom`, on that environment (the checkpoint's id must be its id).
/// Returns 0.
int evaluate_command(int argc, char** argv, ac::EvaluationResult* result = nullptr, bool print = true,
                     const Environment* custom = nullptr);

}  // namespace cli
