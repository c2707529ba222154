#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bisectr::scheduler {

/// Splits ids over `workers` lists balanced by recorded durations, longest first onto the least
/// loaded worker (ties: stable, lowest worker); a test with no recorded duration counts as the
/// mean of the known ones (1s when none is known); each list keeps the ids' listed order.
/// Always returns `workers` lists (some empty when there are fewer ids); throws
/// std::invalid_argument when workers is 0.
std::vector<std::vector<std::string>> partition(const std::vector<std::string>& ids, std::size_t workers,
                                                const std::map<std::string, double>& durations);

/// Shuffles ids in place with Fisher-Yates driven by std::mt19937_64 (and our own unbiased
/// bounded draw), so one seed gives the same order on every platform and standard library.
void shuffle(std::vector<std::string>& ids, std::uint64_t seed);

/// Shuffles each worker's list, worker 0 first, from one generator seeded with seed.
void shuffle_each(std::vector<std::vector<std::string>>& lists, std::uint64_t seed);

/// A fresh seed from std::random_device, for runs shuffled without --random SEED.
std::uint64_t draw_seed();

} // namespace bisectr::scheduler
