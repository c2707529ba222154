#include "fakes/temp_dir.hpp"

#include <cstdlib>
#include <iostream>
#include <random>
#include <stdexcept>

namespace bisectr::test {

TempDir::TempDir()
{
  const char* base = std::getenv("TMPDIR");
  std::filesystem::path root = base != nullptr ? base : "/tmp";
  std::random_device device;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = root / ("bisectr-test-" + std::to_string(device()));
    if (std::filesystem::create_directory(candidate)) {
      m_path = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory under " + root.string());
}

TempDir::~TempDir()
{
  if (std::getenv("BISECTR_KEEP_TEMP") != nullptr) {
    std::cerr << "kept " << m_path << '\n';
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

} // namespace bisectr::test
