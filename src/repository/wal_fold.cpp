#include "wal_fold.hpp"

#include <sqlite3.h>

#include <array>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace bisectr::repository::detail {

namespace {

constexpr std::size_t k_frame_header = 24;

std::uint32_t big_endian(const unsigned char* bytes)
{
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) |
         std::uint32_t{bytes[3]};
}

class File
{
public:
  explicit File(const std::filesystem::path& path) : m_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~File()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  bool read(unsigned char* out, std::size_t size, std::uintmax_t offset) const
  {
    return m_fd >= 0 && ::pread(m_fd, out, size, static_cast<off_t>(offset)) == static_cast<ssize_t>(size);
  }

private:
  int m_fd;
};

} // namespace

bool wal_longer_than(const std::filesystem::path& wal, std::uintmax_t bytes)
{
  const File file(wal);
  std::array<unsigned char, k_wal_header_bytes> header{};
  if (!file.read(header.data(), header.size(), 0)) {
    return false;
  }
  const std::uint32_t magic = big_endian(header.data());
  const std::uint32_t page_size = big_endian(header.data() + 8);
  if ((magic != 0x377f0682 && magic != 0x377f0683) || page_size < 512 || page_size > 65536) {
    return false;
  }
  // The frame that ends past `bytes`: if it belongs to this generation, so do all before it
  // (SQLite writes a generation's frames in order from the start of the file).
  const std::uintmax_t frame = k_frame_header + page_size;
  const std::uintmax_t frames = bytes < k_wal_header_bytes ? 0 : (bytes - k_wal_header_bytes) / frame;
  std::array<unsigned char, k_frame_header> frame_header{};
  if (!file.read(frame_header.data(), frame_header.size(), k_wal_header_bytes + frames * frame)) {
    return false;
  }
  // Salt-1 and salt-2: header bytes 16-23, frame header bytes 8-15.
  return std::memcmp(frame_header.data() + 8, header.data() + 16, 8) == 0;
}

void fold_wal_before_write(sqlite3* db, std::uintmax_t bytes)
{
  if (sqlite3_get_autocommit(db) == 0) {
    return;  // inside a transaction: a checkpoint could not start the log over
  }
  const char* wal = sqlite3_filename_wal(sqlite3_db_filename(db, "main"));
  if (wal == nullptr || !wal_longer_than(wal, bytes)) {
    return;
  }
  (void)sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

} // namespace bisectr::repository::detail
