#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bisectr::config {

/// The values substituted into a run command template.
struct Placeholders {
  std::vector<std::string> ids;  ///< the subset, in run order
  std::filesystem::path id_file; ///< a file holding `ids`, one a line (written by the caller)
  std::filesystem::path output;  ///< the result file for StreamSource::File (absolute)
  std::size_t worker = 0;        ///< the worker index, from 0
};

/// Each placeholder's spelling in a template.
inline constexpr std::string_view k_ids = "{ids}";
inline constexpr std::string_view k_id_file = "{id_file}";
inline constexpr std::string_view k_gtest_filter = "{gtest_filter}";
inline constexpr std::string_view k_ctest_regex = "{ctest_regex}";
inline constexpr std::string_view k_output = "{output}";
inline constexpr std::string_view k_worker = "{worker}";

/// Expands a template: an element exactly "{ids}" becomes one element per id, the other
/// placeholders are replaced inside their element; no shell, no splitting, unknown braces kept.
std::vector<std::string> expand_command(const std::vector<std::string>& argv_template, const Placeholders& values);

/// "Suite.a:Suite.b", the value of {gtest_filter}.
std::string gtest_filter(const std::vector<std::string>& ids);

/// "^(a|b)$" with every regex metacharacter of each id escaped, the value of {ctest_regex}.
std::string ctest_regex(const std::vector<std::string>& ids);

/// True if the template can pass a subset ({ids}, {id_file}, {gtest_filter} or {ctest_regex}).
bool has_subset_placeholder(const std::vector<std::string>& argv_template);

/// True if some element of the template contains `placeholder`.
bool uses_placeholder(const std::vector<std::string>& argv_template, std::string_view placeholder);

} // namespace bisectr::config
