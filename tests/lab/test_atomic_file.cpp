// write_file_atomically, probe_output and same_file: the old file or the
// complete new one and nothing else, special files refused, symlinks followed,
// no temporary file left behind, concurrent writers never mixed.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>  // mkdtemp
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lab/atomic_file.h"
#include "lab/lab_helpers.h"

using namespace headlab;
using headlab::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string write(const std::string& path, const std::string& text) {
  return write_file_atomically(path, text.data(), text.size());
}

#ifndef __EMSCRIPTEN__  // used by the native-only cases below
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

mode_t type_of(const std::string& path) {
  struct stat st;
  REQUIRE(lstat(path.c_str(), &st) == 0);
  return st.st_mode & S_IFMT;
}
#endif

}  // namespace

TEST_CASE("write_file_atomically replaces a file and leaves nothing else", "[files]") {
  TempDir dir;
  const std::string path = dir / "run.json";
  REQUIRE(write(path, "old") == "");
  REQUIRE(write(path, "new and longer") == "");
  CHECK(read(path) == "new and longer");
  CHECK(dir.names() == std::vector<std::string>{"run.json"});
}

TEST_CASE("write_file_atomically keeps the old file when the folder is missing", "[files]") {
  TempDir dir;
  const std::string path = dir / "no-such-folder/x";
  CHECK(write(path, "x") == "cannot write '" + path + "': No such file or directory");
  CHECK(probe_output(path) == "cannot write '" + path + "': No such file or directory");
  CHECK(dir.names().empty());
}

TEST_CASE("write_file_atomically keeps a new file's permissions as open() would, an old file's as they were",
          "[files]") {
  TempDir dir;
  const std::string fresh = dir / "fresh", old = dir / "old";
  // What open(path, O_CREAT, 0666) gives here.
  const int probe = open((dir / "probe").c_str(), O_CREAT | O_WRONLY, 0666);
  REQUIRE(probe >= 0);
  close(probe);
  struct stat opened;
  REQUIRE(stat((dir / "probe").c_str(), &opened) == 0);
  REQUIRE(write(fresh, "x") == "");
  REQUIRE(write(old, "x") == "");
  REQUIRE(chmod(old.c_str(), 0640) == 0);
  REQUIRE(write(old, "y") == "");
  struct stat st;
  REQUIRE(stat(fresh.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == (opened.st_mode & 0777));
  REQUIRE(stat(old.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
}

#ifndef __EMSCRIPTEN__  // FIFOs, symlinks, processes and threads: native file systems only

TEST_CASE("special files are refused, not replaced by a regular file", "[files]") {
  TempDir dir;
  const std::string fifo = dir / "fifo", link = dir / "link-to-fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  REQUIRE(symlink("fifo", link.c_str()) == 0);
  for (const std::string& path : {fifo, link}) {
    INFO(path);
    CHECK(write(path, "x") == "will not replace '" + path + "': it is a FIFO, not a regular file");
    CHECK(probe_output(path) == "will not replace '" + path + "': it is a FIFO, not a regular file");
  }
  CHECK(type_of(fifo) == S_IFIFO);
  CHECK(type_of(link) == S_IFLNK);
  const std::string folder = dir / "folder";
  fs::create_directory(folder);
  CHECK(contains(write(folder, "x"), "it is a directory, not a regular file"));
  CHECK(dir.names() == std::vector<std::string>{"fifo", "folder", "link-to-fifo"});
}

TEST_CASE("a symlink stays a symlink: its target is replaced", "[files]") {
  TempDir dir;
  fs::create_directory(dir.path / "data");
  const std::string target = dir / "data/real.ckpt";
  const std::string hop = dir / "data/hop", link = dir / "link";
  REQUIRE(write(target, "old") == "");
  REQUIRE(symlink("real.ckpt", hop.c_str()) == 0);  // relative to data/, not to the caller
  REQUIRE(symlink("data/hop", link.c_str()) == 0);
  REQUIRE(write(link, "new") == "");
  CHECK(type_of(link) == S_IFLNK);
  CHECK(type_of(hop) == S_IFLNK);
  CHECK(read(target) == "new");
  CHECK(dir.names() == std::vector<std::string>{"data", "link"});

  // A dangling link: the write creates its target.
  const std::string dangling = dir / "dangling";
  REQUIRE(symlink("data/created", dangling.c_str()) == 0);
  REQUIRE(write(dangling, "made") == "");
  CHECK(type_of(dangling) == S_IFLNK);
  CHECK(read(dir / "data/created") == "made");

  const std::string loop = dir / "loop";
  REQUIRE(symlink("loop", loop.c_str()) == 0);
  CHECK(write(loop, "x") == "cannot write '" + loop + "': Too many levels of symbolic links");
}

TEST_CASE("a file size limit fails the write and keeps the old file", "[files]") {
  TempDir dir;
  const std::string path = dir / "run.json";
  REQUIRE(write(path, "previous run") == "");
  // In a child process: the limit and the ignored SIGXFSZ must not reach the test runner.
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    const std::string big(1 << 20, 'x');
    const std::string error = write(path, big);
    _exit(error == "cannot write '" + path + "': File too large" ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(read(path) == "previous run");
  CHECK(dir.names() == std::vector<std::string>{"run.json"});
}

TEST_CASE("concurrent writers to one path: every write succeeds and the file is always whole", "[files]") {
  TempDir dir;
  const std::string path = dir / "run.ckpt";
  // Two writers with different, recognisable contents, as two saves of one
  // checkpoint path (a sweep, or the CLI and the desktop app); a reader checks
  // every version it sees is one writer's complete bytes.
  const std::string a(256 << 10, 'a'), b(200 << 10, 'b');
  REQUIRE(write(path, a) == "");
  std::atomic<int> failed_writes{0}, bad_reads{0};
  std::atomic<bool> done{false};
  auto writer = [&](const std::string& text) {
    for (int i = 0; i < 40; ++i)
      if (write(path, text) != "") ++failed_writes;
  };
  std::thread reader([&] {
    while (!done) {
      const std::string now = read(path);
      if (now != a && now != b) ++bad_reads;
    }
  });
  std::thread wa(writer, a), wb(writer, b);
  wa.join();
  wb.join();
  done = true;
  reader.join();
  CHECK(failed_writes == 0);
  CHECK(bad_reads == 0);
  const std::string last = read(path);
  CHECK((last == a || last == b));
  CHECK(dir.names() == std::vector<std::string>{"run.ckpt"});
}

TEST_CASE("same_file sees through spellings, symlinks and hard links", "[files]") {
  TempDir dir;
  const std::string a = dir / "a", b = dir / "b";
  REQUIRE(write(a, "x") == "");
  CHECK(same_file(a, a));
  CHECK(same_file(a, dir / "./a"));
  CHECK_FALSE(same_file(a, b));
  REQUIRE(symlink("a", (dir / "to-a").c_str()) == 0);
  CHECK(same_file(a, dir / "to-a"));
  REQUIRE(link(a.c_str(), (dir / "hard").c_str()) == 0);
  CHECK(same_file(dir / "hard", a));
  // Neither exists yet: the same name in the same folder.
  fs::create_directory(dir.path / "sub");
  CHECK(same_file(dir / "sub/new", dir / "sub/../sub/new"));
  CHECK_FALSE(same_file(dir / "sub/new", dir / "sub/other"));
  REQUIRE(symlink("sub/new", (dir / "to-new").c_str()) == 0);
  CHECK(same_file(dir / "to-new", dir / "sub/new"));
}

#endif
