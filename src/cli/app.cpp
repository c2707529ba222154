#include "bisectr/cli/app.hpp"

#include "bisectr/util/error.hpp"
#include "bisectr/util/exit_code.hpp"
#include "commands.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <unistd.h>

namespace bisectr::cli {

namespace {

std::filesystem::path default_repo_dir()
{
  const char* env = std::getenv("BISECTR_REPO");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env) : std::filesystem::path(".bisectr");
}

struct Command {
  std::string_view name;
  void (*setup)(CLI::App&, Context&);
};

// Each name is the one its setup function gives add_subcommand (an integration test checks that
// every command answers --help under its own name).
constexpr std::array k_commands{
  Command{"init", setup_init},       Command{"load", setup_load},         Command{"last", setup_last},
  Command{"failing", setup_failing}, Command{"runs", setup_runs},         Command{"show", setup_show},
  Command{"slowest", setup_slowest}, Command{"order", setup_order},       Command{"export", setup_export},
  Command{"remove", setup_remove},   Command{"bisect", setup_bisect},     Command{"flaky", setup_flaky},
  Command{"history", setup_history}, Command{"compare", setup_compare},   Command{"stats", setup_stats},
  Command{"prune", setup_prune},     Command{"report", setup_report},     Command{"run", setup_run},
};

// The subcommand named on the command line: the first argument that is neither an option nor
// --repo's value; nullptr when there is none, it is unknown, or help is asked for before it.
const Command* named_command(int argc, char** argv)
{
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--repo") {
      ++i;
    } else if (arg == "-h" || arg.starts_with("--help")) {
      return nullptr;
    } else if (!arg.starts_with('-')) {
      const auto* found = std::find_if(k_commands.begin(), k_commands.end(), [arg](const Command& c) { return c.name == arg; });
      return found == k_commands.end() ? nullptr : found;
    }
  }
  return nullptr;
}

// Building every subcommand's options took about half a millisecond of each start; only the one
// named is built, unless the line names none (then usage, help and errors need them all).
void add_subcommands(CLI::App& app, Context& context, int argc, char** argv)
{
  if (const Command* command = named_command(argc, argv)) {
    command->setup(app, context);
    return;
  }
  for (const Command& command : k_commands) {
    command.setup(app, context);
  }
}

} // namespace

int main(int argc, char** argv)
{
  Context context;
  context.repo_dir = default_repo_dir();
  context.out = &std::cout;
  context.err = &std::cerr;
  context.out_is_terminal = isatty(STDOUT_FILENO) == 1;
  context.err_is_terminal = isatty(STDERR_FILENO) == 1;

  CLI::App app{"bisectr: runs test suites, records every run, and bisects flaky failures to their cause"};
  app.set_version_flag("--version", "bisectr 0.1.0");
  app.add_option("--repo", context.repo_dir, "Repository directory (default: $BISECTR_REPO or ./.bisectr)");
  app.require_subcommand(1);
  add_subcommands(app, context, argc, argv);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : util::to_int(util::ExitCode::Usage);
  } catch (const ExitRequest& request) {
    return request.code;
  } catch (const util::UsageError& e) {
    std::cerr << "bisectr: error: " << e.what() << '\n';
    return util::to_int(util::ExitCode::Usage);
  } catch (const std::exception& e) {
    std::cerr << "bisectr: error: " << e.what() << '\n';
    return util::to_int(util::ExitCode::Error);
  }
  return 0;
}

} // namespace bisectr::cli
