#include "bisectr/util/stats.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bisectr::util {

namespace {

// Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9), so that
// any confidence level works without a table.
double inverse_normal_cdf(double p)
{
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                          6.680131188771972e+01,  -1.328068155288572e+01};
  constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                          -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                          3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  if (p > 1.0 - p_low) {
    return -inverse_normal_cdf(1.0 - p);
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

} // namespace

double normal_quantile_two_sided(double confidence)
{
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("confidence must be in (0, 1)");
  }
  return inverse_normal_cdf(1.0 - (1.0 - confidence) / 2.0);
}

Proportion wilson_interval(std::int64_t successes, std::int64_t trials, double confidence)
{
  if (successes < 0 || trials < 0 || successes > trials) {
    throw std::invalid_argument("wilson_interval: need 0 <= successes <= trials");
  }
  if (trials == 0) {
    return Proportion{0.0, 0.0, 1.0};
  }
  const double z = normal_quantile_two_sided(confidence);
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denominator;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;
  // Exact bounds at the edges: floating error must not push 0/n above 0 or n/n below 1.
  const double lower = successes == 0 ? 0.0 : std::max(0.0, centre - half);
  const double upper = successes == trials ? 1.0 : std::min(1.0, centre + half);
  return Proportion{p, lower, upper};
}

} // namespace bisectr::util
