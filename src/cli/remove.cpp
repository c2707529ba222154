// bisectr remove: deletes one run and everything it owns.
#include "bisectr/repository/repository.hpp"
#include "commands.hpp"
#include "run_ref.hpp"

namespace bisectr::cli {

namespace {

void run_remove(const std::string& run, Context& context)
{
  auto repository = context.open_repository();
  auto id = resolve_run(*repository, run);
  repository->remove_run(id);
  *context.out << "removed run " << id << '\n';
}

} // namespace

void setup_remove(CLI::App& app, Context& context)
{
  auto run = std::make_shared<std::string>();
  auto* command = app.add_subcommand("remove", "Delete a run and everything it owns");
  command->add_option("run", *run, "Run id, -N or last")->required();
  command->callback([run, &context] { run_remove(*run, context); });
}

} // namespace bisectr::cli
