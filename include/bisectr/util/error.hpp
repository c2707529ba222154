#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace bisectr::util {

/// The base of every failure bisectr reports; what() is the whole one-line message body.
class Error : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

/// Bad command-line usage (unknown run id, conflicting options); exits with ExitCode::Usage.
class UsageError : public Error
{
public:
  using Error::Error;
};

/// Malformed input: names the file and the byte offset (binary) or line (text) where it went wrong.
class ParseError : public Error
{
public:
  enum class Unit { Byte, Line };
  /// Builds "<what>, <file> at byte N" (or "line N").
  ParseError(const std::string& what, const std::string& file, std::uint64_t position, Unit unit = Unit::Byte);
  const std::string& file() const { return m_file; }
  std::uint64_t position() const { return m_position; }
  Unit unit() const { return m_unit; }
  /// The message without the location, as passed to the constructor.
  const std::string& reason() const { return m_reason; }

private:
  std::string m_reason;
  std::string m_file;
  std::uint64_t m_position;
  Unit m_unit;
};

/// A repository that cannot be opened, is locked too long, or fails a write.
class RepositoryError : public Error
{
public:
  using Error::Error;
};

/// A config file with a bad field: names the file, line and key.
class ConfigError : public Error
{
public:
  using Error::Error;
};

/// A child process that could not be started or controlled.
class ProcessError : public Error
{
public:
  using Error::Error;
};

} // namespace bisectr::util
