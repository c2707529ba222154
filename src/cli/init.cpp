// bisectr init: creates the repository and, with --preset, a commented bisectr.toml.
#include "bisectr/config/preset.hpp"
#include "bisectr/config/runner_config.hpp"
#include "bisectr/repository/repository.hpp"
#include "bisectr/util/error.hpp"
#include "commands.hpp"

#include <filesystem>
#include <fstream>
#include <ostream>

namespace bisectr::cli {

namespace {

struct InitOptions {
  std::string preset;
  std::string config = config::k_default_config_name;
  bool force = false;
  config::PresetOptions preset_options;
};

void write_config(const InitOptions& options, Context& context)
{
  auto text = config::preset_text(options.preset, options.preset_options);
  if (std::filesystem::exists(options.config) && !options.force) {
    throw util::UsageError(options.config + " already exists (use --force to replace it)");
  }
  // Written to a temporary name and renamed, so a full disk never leaves half a config behind.
  auto temporary = options.config + ".tmp";
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << text;
    if (!file.flush()) {
      throw util::Error("cannot write " + temporary);
    }
  }
  std::filesystem::rename(temporary, options.config);
  config::load_config(options.config);
  *context.out << "wrote " << options.config << " (preset " << options.preset << "); edit it to taste\n";
}

void run_init(const InitOptions& options, Context& context)
{
  if (!options.preset.empty()) {
    write_config(options, context);
  }
  auto repository = context.open_or_create_repository();
  *context.out << "repository ready at " << context.repo_dir.string() << '\n';
}

} // namespace

void setup_init(CLI::App& app, Context& context)
{
  auto options = std::make_shared<InitOptions>();
  auto* command = app.add_subcommand("init", "Create the repository (.bisectr/ or --repo DIR) and optionally a config file");
  std::string names;
  for (const auto& name : config::preset_names()) {
    names += (names.empty() ? "" : ", ") + name;
  }
  command->add_option("--preset", options->preset, "Write bisectr.toml for: " + names);
  command->add_option("--config", options->config, "Config file to write (default bisectr.toml)");
  command->add_flag("--force", options->force, "Replace an existing config file");
  command->add_option("--python", options->preset_options.python, "Python for unittest/pytest/stestr (default: one that has the module)");
  command->add_option("--test-dir", options->preset_options.test_dir, "Test folder (default tests)");
  command->add_option("--gtest-binary", options->preset_options.gtest_binary, "GoogleTest binary (gtest preset)");
  command->add_option("--build-dir", options->preset_options.build_dir, "CMake build tree (ctest preset)");
  command->callback([options, &context] { run_init(*options, context); });
}

} // namespace bisectr::cli
