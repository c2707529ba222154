#pragma once

#include <cstdint>

namespace bisectr::util {

/// A proportion with its confidence interval, each in [0, 1].
struct Proportion {
  double estimate = 0.0;  ///< successes / trials, 0 when there were no trials
  double lower = 0.0;
  double upper = 1.0;
};

/// The z value of a two-sided normal interval at the given confidence (0.95 -> 1.95996...).
double normal_quantile_two_sided(double confidence);

/// The Wilson score interval of successes in trials at the given confidence (default 95%);
/// with no trials the interval is [0, 1]; throws std::invalid_argument when successes > trials.
Proportion wilson_interval(std::int64_t successes, std::int64_t trials, double confidence = 0.95);

} // namespace bisectr::util
