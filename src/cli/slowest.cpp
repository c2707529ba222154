// bisectr slowest: the slowest tests of a run.
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/units.hpp"
#include "commands.hpp"
#include "json_model.hpp"
#include "run_ref.hpp"

#include <iomanip>

namespace bisectr::cli {

namespace {

struct SlowestOptions {
  std::string run;
  std::size_t count = 10;
  bool json = false;
};

void run_slowest(const SlowestOptions& options, Context& context)
{
  auto repository = context.open_repository_to_read();
  auto id = resolve_run(*repository, options.run);
  auto timings = repository->slowest(id, options.count);
  if (options.json) {
    auto list = nlohmann::json::array();
    for (const auto& timing : timings) {
      list.push_back({{"id", timing.test_id}, {"seconds", timing.seconds}});
    }
    print_json(*context.out, {{"run", id}, {"slowest", std::move(list)}});
    return;
  }
  for (const auto& timing : timings) {
    *context.out << std::right << std::setw(10) << util::format_duration(timing.seconds) << "  " << timing.test_id << '\n';
  }
}

} // namespace

void setup_slowest(CLI::App& app, Context& context)
{
  auto options = std::make_shared<SlowestOptions>();
  auto* command = app.add_subcommand("slowest", "List the slowest tests of a run");
  command->add_option("run", options->run, "Run id, -N or last (default: last)");
  command->add_option("-n,--count", options->count, "How many (default 10)");
  command->add_flag("--json", options->json, "Print as JSON");
  command->callback([options, &context] { run_slowest(*options, context); });
}

} // namespace bisectr::cli
