#include "bisectr/scheduler/id_map.hpp"

#include <algorithm>

namespace bisectr::scheduler {

namespace {

std::vector<std::string_view> split_on_colons(std::string_view text)
{
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t pos = text.find("::"); pos != std::string_view::npos; pos = text.find("::", start)) {
    parts.push_back(text.substr(start, pos - start));
    start = pos + 2;
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::string dotted_module(std::string_view path)
{
  std::string module(path);
  std::replace(module.begin(), module.end(), '/', '.');
  constexpr std::string_view suffix = ".py";
  if (module.size() >= suffix.size() && module.compare(module.size() - suffix.size(), suffix.size(), suffix) == 0) {
    module.erase(module.size() - suffix.size());
  }
  return module;
}

} // namespace

std::string pytest_junit_key(std::string_view node_id)
{
  // Parameters may themselves contain "::" or '/', so they are set aside first, as pytest does.
  const std::size_t bracket = node_id.find('[');
  const std::string_view path = node_id.substr(0, bracket);
  const std::string_view params = bracket == std::string_view::npos ? std::string_view{} : node_id.substr(bracket);
  auto names = split_on_colons(path);
  std::string key = dotted_module(names.front());
  for (std::size_t i = 1; i < names.size(); ++i) {
    key += '.';
    key += names[i];
  }
  key += params;
  return key;
}

IdMap IdMap::pytest(const std::vector<std::string>& node_ids)
{
  IdMap map;
  for (const auto& id : node_ids) {
    map.m_keys.emplace(pytest_junit_key(id), id);
  }
  return map;
}

std::string IdMap::map(const std::string& stream_id) const
{
  auto it = m_keys.find(stream_id);
  return it != m_keys.end() ? it->second : stream_id;
}

} // namespace bisectr::scheduler
