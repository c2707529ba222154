// bisectr order: the ids one worker ran, in execution order, up to a test: the input of a bisection.
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"
#include "commands.hpp"
#include "json_model.hpp"
#include "run_ref.hpp"
#include "worker_choice.hpp"

#include <algorithm>

namespace bisectr::cli {

namespace {

struct OrderOptions {
  std::string run;
  std::string worker;
  std::string until;
  bool json = false;
};

void run_order(const OrderOptions& options, Context& context)
{
  auto repository = context.open_repository_to_read();
  auto id = resolve_run(*repository, options.run);
  auto worker = choose_worker(*repository, id, options.worker);
  auto order = repository->worker_order(id, worker);
  if (!options.until.empty()) {
    auto at = std::find(order.begin(), order.end(), options.until);
    if (at == order.end()) {
      throw util::UsageError("test '" + options.until + "' is not in the order of " + worker + " in run " + std::to_string(id));
    }
    order.erase(at + 1, order.end());
  }
  if (options.json) {
    print_json(*context.out, {{"run", id}, {"worker", worker}, {"tests", order}});
    return;
  }
  for (const auto& test_id : order) {
    *context.out << test_id << '\n';
  }
}

} // namespace

void setup_order(CLI::App& app, Context& context)
{
  auto options = std::make_shared<OrderOptions>();
  auto* command = app.add_subcommand("order", "Print the ids a worker ran, in execution order (one a line)");
  command->add_option("run", options->run, "Run id, -N or last")->required();
  command->add_option("--worker", options->worker, "Worker name (default: the only worker, or the one with failures)");
  command->add_option("--until", options->until, "Stop after this test (inclusive)");
  command->add_flag("--json", options->json, "Print as JSON");
  command->callback([options, &context] { run_order(*options, context); });
}

} // namespace bisectr::cli
