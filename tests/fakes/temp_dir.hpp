#pragma once

#include <filesystem>
#include <string>

namespace bisectr::test {

/// A fresh directory under $TMPDIR (or /tmp) for one test; removed on destruction unless
/// BISECTR_KEEP_TEMP is set, in which case it is kept and its path printed.
class TempDir
{
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  /// path() / name.
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
  std::filesystem::path m_path;
};

} // namespace bisectr::test
