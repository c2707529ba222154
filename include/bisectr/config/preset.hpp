#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bisectr::config {

/// What `bisectr init --preset NAME` may be told; empty fields get defaults.
struct PresetOptions {
  std::filesystem::path python; ///< interpreter for unittest/pytest/stestr; empty = find_python_with(the needed module)
  std::string test_dir;         ///< unittest discover start / pytest path / stestr test path; empty = "."
  std::filesystem::path gtest_binary; ///< the GoogleTest binary (required by the gtest preset)
  std::filesystem::path build_dir;    ///< the CMake build tree for the ctest preset; empty = "build"
};

/// The names preset_text accepts: unittest, pytest, stestr, gtest, ctest, command.
std::vector<std::string> preset_names();

/// A commented bisectr.toml for the preset that loads and works as written; throws
/// util::UsageError for an unknown preset or a missing required option (gtest_binary).
std::string preset_text(std::string_view preset, const PresetOptions& options);

} // namespace bisectr::config
