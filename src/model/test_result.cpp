#include "bisectr/model/test_result.hpp"

namespace bisectr::model {

double TestResult::duration_seconds() const
{
  if (!start || !stop) {
    return 0.0;
  }
  return std::chrono::duration<double>(*stop - *start).count();
}

} // namespace bisectr::model
