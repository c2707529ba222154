#include "bisectr/cli/context.hpp"

#include "bisectr/repository/repository.hpp"
#include "bisectr/util/memory.hpp"

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

std::unique_ptr<repository::Repository> Context::open_repository_to_read() const
{
  // On 1,000,000 results `flaky` touched about 28 MiB of new heap, 7,100 page faults of 4 KiB,
  // each costly on these virtual machines: 125-173 ms, of which the faults were most. With the
  // heap in huge pages it took 61-77 ms (docs/performance.md, session 20). Only the address
  // space is reserved: a small repository's read touches a page or two of it.
  constexpr std::size_t k_heap_reserve = std::size_t{256} << 20;
  util::back_heap_with_huge_pages(k_heap_reserve);
  return open_repository();
}

std::unique_ptr<repository::Repository> Context::open_or_create_repository() const
{
  return repository::open_sqlite_repository(repo_dir, true, options_for(*this));
}

} // namespace bisectr::cli
