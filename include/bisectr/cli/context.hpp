#pragma once

#include <filesystem>
#include <iosfwd>
#include <memory>

namespace bisectr::repository {
class Repository;
}

namespace bisectr::cli {

/// What every subcommand gets: where the repository is, where to print, whether output is a terminal.
struct Context {
  std::filesystem::path repo_dir;   ///< --repo, else $BISECTR_REPO, else ./.bisectr
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  bool out_is_terminal = false;     ///< stdout is a tty: progress lines and colours allowed
  bool err_is_terminal = false;

  /// Opens the repository at repo_dir; throws UsageError naming the path if none is there.
  std::unique_ptr<repository::Repository> open_repository() const;
  /// The same for a read command of the main thread, which may fill tens of MiB of heap at once
  /// on a large repository: first reserves the process's heap in transparent huge pages
  /// (util::back_heap_with_huge_pages), a page fault per 2 MiB instead of per 4 KiB.
  std::unique_ptr<repository::Repository> open_repository_to_read() const;
  /// Opens the repository, creating it when it does not exist yet.
  std::unique_ptr<repository::Repository> open_or_create_repository() const;
};

} // namespace bisectr::cli
