#pragma once

#include <optional>
#include <string_view>

namespace bisectr::model {

/// A test's status as subunit v2 names them, plus `Error` from subunit v1 and JUnit.
/// The numeric values of the first eight are subunit v2's status codes.
enum class Status : unsigned char {
  Undefined = 0,
  Exists = 1,
  InProgress = 2,
  Success = 3,
  UxSuccess = 4,
  Skip = 5,
  Fail = 6,
  XFail = 7,
  Error = 8,
};

/// Lower-case name: "success", "fail", "xfail", "uxsuccess", "skip", "error", "exists", "inprogress", "undefined".
std::string_view to_string(Status status);
/// Inverse of to_string; nullopt for an unknown name.
std::optional<Status> status_from_string(std::string_view name);
/// True for the statuses that end a test: success, uxsuccess, skip, fail, xfail, error.
bool is_final(Status status);
/// True for the statuses that count as a failed test: fail, error, uxsuccess (as testr/stestr count them).
bool is_failure(Status status);

} // namespace bisectr::model
