#include "bisectr/cli/context.hpp"

#include "bisectr/repository/repository.hpp"

#include <ostream>

namespace bisectr::cli {

namespace {

repository::SqliteOptions options_for(const Context& context)
{
  repository::SqliteOptions options;
  std::ostream* err = context.err;
  options.on_busy = [err](const std::string& message) {
    if (err != nullptr) {
      *err << "bisectr: " << message << std::endl;
    }
  };
  return options;
}

} // namespace

std::unique_ptr<repository::Repository> Context::open_repository() const
{
  return repository::open_sqlite_repository(repo_dir, false, options_for(*this));
}

std::unique_ptr<repository::Repository> Context::open_or_create_repository() const
{
  return repository::open_sqlite_repository(repo_dir, true, options_for(*this));
}

} // namespace bisectr::cli
