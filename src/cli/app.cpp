#include "bisectr/cli/app.hpp"

#include "bisectr/util/error.hpp"
#include "bisectr/util/exit_code.hpp"
#include "commands.hpp"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace bisectr::cli {

namespace {

std::filesystem::path default_repo_dir()
{
  const char* env = std::getenv("BISECTR_REPO");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env) : std::filesystem::path(".bisectr");
}

void add_subcommands(CLI::App& app, Context& context)
{
  setup_init(app, context);
  setup_load(app, context);
  setup_last(app, context);
  setup_failing(app, context);
  setup_runs(app, context);
  setup_show(app, context);
  setup_slowest(app, context);
  setup_order(app, context);
  setup_export(app, context);
  setup_remove(app, context);
  setup_bisect(app, context);
  setup_flaky(app, context);
  setup_history(app, context);
  setup_compare(app, context);
  setup_stats(app, context);
  setup_prune(app, context);
  setup_report(app, context);
  setup_run(app, context);
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
  add_subcommands(app, context);

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
