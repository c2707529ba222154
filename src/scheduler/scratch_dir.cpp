#include "bisectr/scheduler/scratch_dir.hpp"

#include "bisectr/util/error.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include <stdlib.h>

namespace bisectr::scheduler {

ScratchDir::ScratchDir()
{
  std::error_code ec;
  auto base = std::filesystem::temp_directory_path(ec);
  if (ec) {
    base = "/tmp";
  }
  std::string pattern = (base / "bisectr-run-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  // mkdtemp: unique and 0700, so no other user can plant or read id files.
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw util::Error("cannot create a scratch directory under " + base.string() + ": " + std::strerror(errno));
  }
  m_path = buffer.data();
}

ScratchDir::~ScratchDir()
{
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

} // namespace bisectr::scheduler
