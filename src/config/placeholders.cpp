#include "bisectr/config/placeholders.hpp"

#include <array>
#include <string_view>

namespace bisectr::config {

namespace {

constexpr std::array<std::string_view, 4> k_subset_placeholders = {k_ids, k_id_file, k_gtest_filter, k_ctest_regex};

std::string join(const std::vector<std::string>& parts, std::string_view separator)
{
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i != 0) {
      out += separator;
    }
    out += parts[i];
  }
  return out;
}

// The value for a placeholder name at the start of `rest`, and its length; nothing if none matches.
bool match_placeholder(std::string_view rest, const Placeholders& values, std::string& value, std::size_t& length)
{
  if (rest.starts_with(k_id_file)) {
    value = values.id_file.string();
    length = k_id_file.size();
  } else if (rest.starts_with(k_gtest_filter)) {
    value = gtest_filter(values.ids);
    length = k_gtest_filter.size();
  } else if (rest.starts_with(k_ctest_regex)) {
    value = ctest_regex(values.ids);
    length = k_ctest_regex.size();
  } else if (rest.starts_with(k_output)) {
    value = values.output.string();
    length = k_output.size();
  } else if (rest.starts_with(k_worker)) {
    value = std::to_string(values.worker);
    length = k_worker.size();
  } else if (rest.starts_with(k_ids)) {
    // Inside a longer element {ids} cannot become several elements; the ids are joined by spaces.
    value = join(values.ids, " ");
    length = k_ids.size();
  } else {
    return false;
  }
  return true;
}

std::string expand_element(std::string_view element, const Placeholders& values)
{
  std::string out;
  std::size_t pos = 0;
  while (pos < element.size()) {
    std::string value;
    std::size_t length = 0;
    if (element[pos] == '{' && match_placeholder(element.substr(pos), values, value, length)) {
      out += value;
      pos += length;
    } else {
      out += element[pos];
      ++pos;
    }
  }
  return out;
}

} // namespace

std::vector<std::string> expand_command(const std::vector<std::string>& argv_template, const Placeholders& values)
{
  std::vector<std::string> argv;
  argv.reserve(argv_template.size() + values.ids.size());
  for (const std::string& element : argv_template) {
    if (element == k_ids) {
      argv.insert(argv.end(), values.ids.begin(), values.ids.end());
    } else {
      argv.push_back(expand_element(element, values));
    }
  }
  return argv;
}

std::string gtest_filter(const std::vector<std::string>& ids)
{
  // An empty positive filter would run every test; "-*" runs none.
  return ids.empty() ? std::string("-*") : join(ids, ":");
}

std::string ctest_regex(const std::vector<std::string>& ids)
{
  constexpr std::string_view k_meta = "^$.[]*+?()|\\{}";
  std::string out = "^(";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i != 0) {
      out += '|';
    }
    for (const char c : ids[i]) {
      if (k_meta.find(c) != std::string_view::npos) {
        out += '\\';
      }
      out += c;
    }
  }
  out += ")$";
  return out;
}

bool uses_placeholder(const std::vector<std::string>& argv_template, std::string_view placeholder)
{
  for (const std::string& element : argv_template) {
    if (element.find(placeholder) != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool has_subset_placeholder(const std::vector<std::string>& argv_template)
{
  for (const std::string_view placeholder : k_subset_placeholders) {
    if (uses_placeholder(argv_template, placeholder)) {
      return true;
    }
  }
  return false;
}

} // namespace bisectr::config
