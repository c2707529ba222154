#pragma once

// Each subcommand file defines one setup function that adds the subcommand, its options struct
// and its callback (which calls run_<name>) to the app. app.cpp calls the one named on the command
// line, or all of them when it names none.
#include "bisectr/cli/context.hpp"

#include <CLI/CLI.hpp>

namespace bisectr::cli {

void setup_init(CLI::App& app, Context& context);
void setup_load(CLI::App& app, Context& context);
void setup_last(CLI::App& app, Context& context);
void setup_failing(CLI::App& app, Context& context);
void setup_runs(CLI::App& app, Context& context);
void setup_show(CLI::App& app, Context& context);
void setup_slowest(CLI::App& app, Context& context);
void setup_order(CLI::App& app, Context& context);
void setup_export(CLI::App& app, Context& context);
void setup_remove(CLI::App& app, Context& context);
void setup_bisect(CLI::App& app, Context& context);
void setup_flaky(CLI::App& app, Context& context);
void setup_history(CLI::App& app, Context& context);
void setup_compare(CLI::App& app, Context& context);
void setup_stats(CLI::App& app, Context& context);
void setup_prune(CLI::App& app, Context& context);
void setup_report(CLI::App& app, Context& context);
void setup_run(CLI::App& app, Context& context);

/// Thrown by a subcommand callback to return a non-zero exit status that is not an error.
struct ExitRequest {
  int code;
};

} // namespace bisectr::cli
