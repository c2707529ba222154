#include "bisectr/cli/context.hpp"

#include "bisectr/repository/repository.hpp"

namespace bisectr::cli {

std::unique_ptr<repository::Repository> Context::open_repository() const
{
  return repository::open_sqlite_repository(repo_dir, false);
}

std::unique_ptr<repository::Repository> Context::open_or_create_repository() const
{
  return repository::open_sqlite_repository(repo_dir, true);
}

} // namespace bisectr::cli
