#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace bisectr::config {

/// Interpreters to try, in order: /usr/bin/python3, then python3 and python on PATH (existing files only, no
/// duplicates).
std::vector<std::filesystem::path> python_candidates();

/// The first of python_candidates() for which `<py> -c "import <module>"` exits 0 (run with argv, no shell).
std::optional<std::filesystem::path> find_python_with(std::string_view module);

/// As above over the given candidates; a module name that is not a dotted identifier finds nothing.
std::optional<std::filesystem::path> find_python_with(std::string_view module,
                                                      const std::vector<std::filesystem::path>& candidates);

} // namespace bisectr::config
