#pragma once

#include "bisectr/repository/repository.hpp"

#include <exception>
#include <functional>
#include <memory>
#include <thread>

namespace bisectr::repository {

/// A repository opened on first use, or on a background thread while the caller does other work
/// (a short `bisectr run` opens it while it starts the test command: opening reads the schema and
/// rebuilds the WAL index, about a millisecond). Not thread-safe: one thread at a time, like
/// Repository; get() joins the background thread before anything else touches the repository.
class LazyRepository
{
public:
  using Opener = std::function<std::unique_ptr<Repository>()>;

  /// Wraps a repository that is already open (the caller keeps owning it).
  explicit LazyRepository(Repository& open);
  /// Opens with opener on the first get(); an opener that throws is called again at the next get().
  explicit LazyRepository(Opener opener);
  /// Waits for a background opening still running.
  ~LazyRepository();
  LazyRepository(const LazyRepository&) = delete;
  LazyRepository& operator=(const LazyRepository&) = delete;

  /// Starts the opener on a new thread (which inherits the caller's signal mask); get() waits for
  /// it and rethrows what it threw. Does nothing when the repository is open or already opening.
  void open_in_background();
  /// The repository, opened now if it was not yet.
  Repository& get();
  /// True once get() has returned it.
  bool is_open() const { return m_repository != nullptr; }

private:
  Opener m_opener;
  std::unique_ptr<Repository> m_owned;
  Repository* m_repository = nullptr;
  std::thread m_opening;
  std::exception_ptr m_opening_error;
};

} // namespace bisectr::repository
