#include "bisectr/model/status.hpp"

#include <array>

namespace bisectr::model {

namespace {
constexpr std::array<std::string_view, 9> k_names = {
  "undefined", "exists", "inprogress", "success", "uxsuccess", "skip", "fail", "xfail", "error"};
}

std::string_view to_string(Status status)
{
  auto index = static_cast<std::size_t>(status);
  return index < k_names.size() ? k_names[index] : "undefined";
}

std::optional<Status> status_from_string(std::string_view name)
{
  for (std::size_t i = 0; i < k_names.size(); ++i) {
    if (k_names[i] == name) {
      return static_cast<Status>(i);
    }
  }
  return std::nullopt;
}

bool is_final(Status status)
{
  return status != Status::Undefined && status != Status::Exists && status != Status::InProgress;
}

bool is_failure(Status status)
{
  return status == Status::Fail || status == Status::Error || status == Status::UxSuccess;
}

} // namespace bisectr::model
