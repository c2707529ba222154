#include "bisectr/util/error.hpp"

namespace bisectr::util {

namespace {
std::string located(const std::string& what, const std::string& file, std::uint64_t position, ParseError::Unit unit)
{
  return what + ", " + file + (unit == ParseError::Unit::Byte ? " at byte " : " at line ") + std::to_string(position);
}
} // namespace

ParseError::ParseError(const std::string& what, const std::string& file, std::uint64_t position, Unit unit)
  : Error(located(what, file, position, unit)), m_reason(what), m_file(file), m_position(position), m_unit(unit)
{
}

} // namespace bisectr::util
