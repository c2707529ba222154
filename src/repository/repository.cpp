#include "bisectr/repository/repository.hpp"

#include "bisectr/util/error.hpp"

namespace bisectr::repository {

SessionStore& Repository::sessions()
{
  throw util::RepositoryError("this repository does not store bisect sessions");
}

History& Repository::history()
{
  throw util::RepositoryError("this repository does not answer history queries");
}

} // namespace bisectr::repository
