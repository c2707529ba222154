#include "bisectr/driver/session_config.hpp"

#include "bisectr/util/error.hpp"

namespace bisectr::driver {

nlohmann::json to_json(const SessionConfig& config)
{
  const auto& o = config.options;
  return {{"run", config.run},
          {"worker", config.worker},
          {"victim", config.victim},
          {"candidates", config.candidates},
          {"config_file", config.config_file.string()},
          {"candidate_seconds", config.problem.candidate_seconds},
          {"victim_seconds", config.problem.victim_seconds},
          {"startup_seconds", config.problem.startup_seconds},
          {"confidence", o.confidence},
          {"parallel", o.parallel},
          {"max_runs", o.max_runs},
          {"seed", o.seed},
          {"inverse", o.inverse},
          {"oracle", to_string(config.oracle)},
          {"max_duration_seconds", config.max_duration_seconds},
          {"timeout_ms", config.timeout_ms},
          {"memory_limit_bytes", config.memory_limit_bytes},
          {"extra_args", config.extra_args}};
}

SessionConfig session_config_from_json(const nlohmann::json& json)
{
  try {
    SessionConfig config;
    config.run = json.at("run").get<model::RunId>();
    config.worker = json.at("worker").get<std::string>();
    config.victim = json.at("victim").get<std::string>();
    config.candidates = json.at("candidates").get<std::vector<std::string>>();
    config.config_file = json.at("config_file").get<std::string>();
    config.problem.candidate_seconds = json.at("candidate_seconds").get<std::vector<double>>();
    config.problem.victim_seconds = json.at("victim_seconds").get<double>();
    config.problem.startup_seconds = json.at("startup_seconds").get<double>();
    config.options.confidence = json.at("confidence").get<double>();
    config.options.parallel = json.at("parallel").get<std::size_t>();
    config.options.max_runs = json.at("max_runs").get<std::size_t>();
    config.options.seed = json.at("seed").get<std::uint64_t>();
    config.options.inverse = json.at("inverse").get<bool>();
    config.oracle = parse_oracle(json.at("oracle").get<std::string>());
    config.max_duration_seconds = json.at("max_duration_seconds").get<double>();
    config.timeout_ms = json.at("timeout_ms").get<std::int64_t>();
    config.memory_limit_bytes = json.at("memory_limit_bytes").get<std::int64_t>();
    config.extra_args = json.at("extra_args").get<std::vector<std::string>>();
    return config;
  } catch (const nlohmann::json::exception& e) {
    throw util::Error(std::string("malformed bisect session config: ") + e.what());
  }
}

} // namespace bisectr::driver
