#pragma once

#include <filesystem>

namespace bisectr::scheduler {

/// A private directory (mode 0700, under the system temporary directory) for one run's id files
/// and output files; removed with its contents on destruction.
class ScratchDir
{
public:
  /// Creates the directory; throws util::Error when it cannot.
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  /// The directory.
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

} // namespace bisectr::scheduler
