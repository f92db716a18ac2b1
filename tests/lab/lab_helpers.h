// What several lab test files need: a Session that must build (the reason
// shows when it does not), and a fresh temporary folder removed afterwards.
#pragma once
#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <catch.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "lab/session.h"

namespace headlab::test {

inline std::unique_ptr<Session> make_session(const RunOptions& r) {
  std::string error;
  auto s = Session::create(r, &error);
  INFO(error);
  REQUIRE(s);
  return s;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "headlab-test-XXXXXX").string();
    REQUIRE(mkdtemp(t.data()) != nullptr);
    path = t;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  // Every name in the folder, sorted: shows a leftover temporary file.
  std::vector<std::string> names() const {
    std::vector<std::string> v;
    for (const auto& e : std::filesystem::directory_iterator(path)) v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    return v;
  }
};

}  // namespace headlab::test
