#include "lab/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace headlab {
namespace {

constexpr int kMaxSymlinkHops = 40;  // as the kernel's own limit (ELOOP)

std::string cannot_write(const std::string& path, int error) {
  return "cannot write " + quote_path(path) + ": " + std::strerror(error);
}

std::string folder_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// What a write to `path` lands on: the path itself, or the end of its chain
// of symlinks (a relative link counts from the link's folder). A missing
// target is fine: the write creates it.
bool resolve_target(const std::string& path, std::string* target, std::string* error) {
  std::string p = path;
  for (int hops = 0;; ++hops) {
    struct stat st;
    if (lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) break;
    if (hops == kMaxSymlinkHops) {
      *error = cannot_write(path, ELOOP);
      return false;
    }
    std::vector<char> buf(static_cast<size_t>(st.st_size > 0 ? st.st_size : PATH_MAX) + 1);
    const ssize_t n = readlink(p.c_str(), buf.data(), buf.size());
    if (n < 0 || static_cast<size_t>(n) >= buf.size()) {
      *error = cannot_write(path, n < 0 ? errno : ENAMETOOLONG);
      return false;
    }
    const std::string link(buf.data(), static_cast<size_t>(n));
    p = !link.empty() && link[0] == '/' ? link : folder_of(p) + "/" + link;
  }
  *target = p;
  return true;
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

// Resolves path and checks that its target may be replaced. *existing is
// set when the target exists (then *mode holds its permissions).
bool writable_target(const std::string& path, std::string* target, bool* existing, mode_t* mode,
                     std::string* error) {
  if (path.empty()) {
    *error = "no file name given";
    return false;
  }
  if (!resolve_target(path, target, error)) return false;
  struct stat st;
  *existing = lstat(target->c_str(), &st) == 0;
  if (!*existing) return true;
  if (!S_ISREG(st.st_mode)) {
    *error = "will not replace " + quote_path(path) + ": it is " + kind_of(st.st_mode) + ", not a regular file";
    return false;
  }
  *mode = st.st_mode & 07777;
  return true;
}

// A new file's permissions as open(..., 0666) would give them (mkstemp gives
// 0600). umask() can only be read by setting it, so it is read once, at the
// first write; a file another thread creates in that instant gets umask 022.
mode_t new_file_mode() {
#ifdef __EMSCRIPTEN__
  return 0666;  // Emscripten's open() ignores the umask, which it reports as 0777 (a 0000 file could not be read)
#endif
  static const mode_t mask = [] {
    const mode_t m = umask(022);
    umask(m);
    return m;
  }();
  return 0666 & ~mask;
}

// mkstemp in the target's folder: unique, so two writers never share a temporary file.
int create_temporary(const std::string& target, std::string* tmp) {
  *tmp = target + ".tmp-XXXXXX";
  return mkostemp(tmp->data(), O_CLOEXEC);
}

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w == 0) errno = EIO;  // no progress and no reason given
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// The rename itself is durable only once the folder is flushed. Best effort:
// the new file is already in place, and some file systems refuse fsync on a folder.
void sync_folder(const std::string& folder) {
  const int fd = open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

}  // namespace

std::string quote_path(const std::string& path) {
  std::string q = "'";
  for (unsigned char c : path) {
    if (c >= 0x20 && c != 0x7f) {
      q += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      q += buf;
    }
  }
  return q + "'";
}

std::string write_file_atomically(const std::string& path, const void* data, size_t size) {
  std::string target, error;
  bool existing = false;
  mode_t mode = 0;
  if (!writable_target(path, &target, &existing, &mode, &error)) return error;
  std::string tmp;
  const int fd = create_temporary(target, &tmp);
  if (fd < 0) return cannot_write(path, errno);
  bool ok = fchmod(fd, existing ? mode : new_file_mode()) == 0 &&
            write_all(fd, static_cast<const char*>(data), size) && fsync(fd) == 0;
  int e = errno;
  if (close(fd) != 0 && ok) ok = false, e = errno;
  if (ok && rename(tmp.c_str(), target.c_str()) != 0) ok = false, e = errno;
  if (!ok) {
    unlink(tmp.c_str());
    return cannot_write(path, e);
  }
  sync_folder(folder_of(target));
  return "";
}

std::string probe_output(const std::string& path) {
  std::string target, error;
  bool existing = false;
  mode_t mode = 0;
  if (!writable_target(path, &target, &existing, &mode, &error)) return error;
  std::string tmp;
  const int fd = create_temporary(target, &tmp);
  if (fd < 0) return cannot_write(path, errno);
  close(fd);
  unlink(tmp.c_str());
  return "";
}

bool same_file(const std::string& a, const std::string& b) {
  std::string ta, tb, error;
  if (!resolve_target(a, &ta, &error) || !resolve_target(b, &tb, &error)) return a == b;
  struct stat sa, sb;
  if (stat(ta.c_str(), &sa) == 0 && stat(tb.c_str(), &sb) == 0) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  // Not both there yet: compare their folders' real paths and their names.
  auto canonical = [](const std::string& t) {
    char* folder = realpath(folder_of(t).c_str(), nullptr);
    if (!folder) return t;
    std::string c = std::string(folder) + "/" + name_of(t);
    std::free(folder);
    return c;
  };
  return canonical(ta) == canonical(tb);
}

}  // namespace headlab
