#include "bisectr/repository/lazy_repository.hpp"

#include "bisectr/util/error.hpp"

#include <utility>

namespace bisectr::repository {

LazyRepository::LazyRepository(Repository& open) : m_repository(&open)
{
}

LazyRepository::LazyRepository(Opener opener) : m_opener(std::move(opener))
{
}

LazyRepository::~LazyRepository()
{
  if (m_opening.joinable()) {
    m_opening.join();
  }
}

void LazyRepository::open_in_background()
{
  if (m_repository != nullptr || m_opening.joinable()) {
    return;
  }
  m_opening = std::thread([this] {
    try {
      m_owned = m_opener();
    } catch (...) {
      m_opening_error = std::current_exception();
    }
  });
}

Repository& LazyRepository::get()
{
  if (m_repository != nullptr) {
    return *m_repository;
  }
  if (m_opening.joinable()) {
    m_opening.join();
    if (m_opening_error) {
      std::rethrow_exception(std::exchange(m_opening_error, nullptr));
    }
  } else {
    m_owned = m_opener();
  }
  if (!m_owned) {
    throw util::RepositoryError("the repository could not be opened");
  }
  m_repository = m_owned.get();
  return *m_repository;
}

} // namespace bisectr::repository
