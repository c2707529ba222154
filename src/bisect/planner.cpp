#include "bisectr/bisect/planner.hpp"

#include "bisectr/bisect/information.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace bisectr::bisect {

namespace {

constexpr double k_low_mass = 0.15;
constexpr double k_high_mass = 0.85;
constexpr double k_window_share = 0.5; // ... unless its best prefix has less than this share of the best

// Sums over hypotheses of w, w·q, w·H(q), w·q0, w·H(q0): what one run's information needs.
struct Sums
{
  double mass = 0.0, rate = 0.0, rate_bits = 0.0, noise = 0.0, noise_bits = 0.0;
  void add(const Posterior& posterior, std::size_t h)
  {
    double w = posterior.weights[h];
    mass += w;
    rate += w * posterior.rate[h];
    rate_bits += w * posterior.rate_bits[h];
    noise += w * posterior.noise[h];
    noise_bits += w * posterior.noise_bits[h];
  }
  Sums operator-(const Sums& o) const
  {
    return {mass - o.mass, rate - o.rate, rate_bits - o.rate_bits, noise - o.noise, noise_bits - o.noise_bits};
  }
  Sums& operator+=(const Sums& o)
  {
    mass += o.mass, rate += o.rate, rate_bits += o.rate_bits, noise += o.noise, noise_bits += o.noise_bits;
    return *this;
  }
};

// The sums of the hypotheses (other than none) wholly inside each prefix length 0..m of the order.
std::vector<Sums> inside_sums(const HypothesisSet& set, const Posterior& posterior, const std::vector<std::size_t>& order)
{
  std::size_t m = set.candidates();
  std::vector<std::size_t> rank(m);
  for (std::size_t r = 0; r < order.size(); ++r) {
    rank[order[r]] = r;
  }
  std::vector<Sums> sums(m + 1);
  for (std::size_t i = 0; i < m; ++i) {
    sums[rank[i] + 1].add(posterior, 1 + i);
  }
  const std::vector<std::size_t>& pool = set.pair_pool();
  std::size_t h = 1 + m;
  for (std::size_t a = 0; a < pool.size(); ++a) {
    std::size_t rank_a = rank[pool[a]];
    for (std::size_t b = a + 1; b < pool.size(); ++b, ++h) {
      sums[std::max(rank_a, rank[pool[b]]) + 1].add(posterior, h);
    }
  }
  for (std::size_t length = 1; length <= m; ++length) {
    sums[length] += sums[length - 1];
  }
  return sums;
}

// Mutual information in bits between one run's outcome and the hypothesis, given which mass is active.
double run_information(const Sums& active, const Sums& inactive)
{
  double fail = std::clamp(active.rate + inactive.noise, 0.0, 1.0);
  return binary_entropy(fail) - active.rate_bits - inactive.noise_bits;
}

} // namespace

std::vector<std::size_t> order_by_mass(const std::vector<double>& marginals, const std::vector<double>& seconds)
{
  // Masses within a factor of two count as equal, so that cheap tests lead among near-equals.
  std::vector<double> bucket(marginals.size());
  for (std::size_t i = 0; i < marginals.size(); ++i) {
    bucket[i] = marginals[i] > 0.0 ? std::floor(std::log2(marginals[i])) : -std::numeric_limits<double>::infinity();
  }
  std::vector<std::size_t> order(marginals.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    if (bucket[x] != bucket[y]) {
      return bucket[x] > bucket[y];
    }
    if (seconds[x] != seconds[y]) {
      return seconds[x] < seconds[y];
    }
    return x < y;
  });
  return order;
}

std::vector<std::size_t> weighted_random_order(const std::vector<double>& marginals, std::mt19937_64& rng)
{
  std::uniform_real_distribution<double> uniform(std::numeric_limits<double>::min(), 1.0);
  std::vector<double> key(marginals.size());
  for (std::size_t i = 0; i < marginals.size(); ++i) {
    double u = uniform(rng);
    key[i] = marginals[i] > 0.0 ? std::log(u) / marginals[i] : -std::numeric_limits<double>::infinity();
  }
  std::vector<std::size_t> order(marginals.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return key[x] != key[y] ? key[x] > key[y] : x < y;
  });
  return order;
}

SubsetChoice best_prefix(const HypothesisSet& set, const Posterior& posterior, const std::vector<std::size_t>& order,
                         const PrefixCost& cost)
{
  std::vector<Sums> inside = inside_sums(set, posterior, order);
  Sums none;
  none.add(posterior, 0);
  Sums others = inside.back();
  std::size_t best_any = 0;
  std::size_t best_window = inside.size();
  double info_any = -1.0;
  double info_window = -1.0;
  std::vector<double> info(inside.size());
  std::vector<double> mass(inside.size());
  for (std::size_t length = 0; length < inside.size(); ++length) {
    Sums active = none;
    active += set.inverse() ? others - inside[length] : inside[length];
    Sums inactive = set.inverse() ? inside[length] : others - inside[length];
    info[length] = run_information(active, inactive);
    mass[length] = active.mass;
    if (info[length] > info_any) {
      info_any = info[length];
      best_any = length;
    }
    if (mass[length] >= k_low_mass && mass[length] <= k_high_mass && info[length] > info_window) {
      info_window = info[length];
      best_window = length;
    }
  }
  // The window keeps prefixes away from the extremes, unless it costs most of the information:
  // when "fails on its own" and one pair held nearly all the mass, every prefix in the window left
  // the pair out and told them apart no better than the victim alone, and the search stalled
  // (n = 64, q = 1/10, k = 2, noise, seed 8083, --parallel 4: 100,000 runs at P = 0.51).
  bool window = best_window < inside.size() && info_window >= k_window_share * info_any;
  std::size_t length = window ? best_window : best_any;
  if (cost.seconds != nullptr && cost.share < 1.0) {
    // Near the best, information per run is flat in the prefix length: take the prefix with the
    // most information per second among those within `share` of the best (in the same range).
    // A run is never free: with no start-up cost the victim alone would always win.
    std::vector<double> seconds(inside.size(), std::max(cost.fixed, 1e-3));
    for (std::size_t l = 1; l < inside.size(); ++l) {
      seconds[l] = seconds[l - 1] + (*cost.seconds)[order[l - 1]];
    }
    // The victim alone (the empty prefix) costs least of all; the caller says whether it may
    // compete (see PrefixCost::empty).
    std::size_t chosen = length;
    for (std::size_t l = cost.empty ? 0 : 1; l < inside.size(); ++l) {
      bool in_range = !window || (mass[l] >= k_low_mass && mass[l] <= k_high_mass);
      if (in_range && info[l] >= cost.share * info[length] &&
          info[l] * seconds[chosen] > info[chosen] * seconds[l]) {
        chosen = l;
      }
    }
    length = chosen;
  }
  SubsetChoice choice;
  choice.subset.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(length));
  std::sort(choice.subset.begin(), choice.subset.end());
  choice.active_mass = mass[length];
  choice.information = info[length];
  return choice;
}

} // namespace bisectr::bisect
