// A training step (sample -> forward -> backward -> AdamW) must not touch the
// heap. glibc lets a program interpose malloc, so natively we count every
// allocation made during steps; the WASM build has no such hook, and the
// sanitizer build owns malloc itself, so both skip this file.
#include <catch.hpp>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEADLAB_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HEADLAB_ASAN 1
#endif

#if defined(__GLIBC__) && !defined(HEADLAB_ASAN)
#include <cstdlib>

#include "core/adamw.h"
#include "core/init.h"
#include "core/task.h"
#include "core/transformer.h"
#include "presets.h"

extern "C" void* __libc_malloc(size_t);
extern "C" void* __libc_calloc(size_t, size_t);
extern "C" void* __libc_realloc(void*, size_t);
extern "C" void* __libc_memalign(size_t, size_t);

namespace {
bool g_counting = false;
long g_allocations = 0;
}  // namespace

extern "C" void* malloc(size_t n) {
  if (g_counting) ++g_allocations;
  return __libc_malloc(n);
}
extern "C" void* calloc(size_t a, size_t b) {
  if (g_counting) ++g_allocations;
  return __libc_calloc(a, b);
}
extern "C" void* realloc(void* p, size_t n) {
  if (g_counting) ++g_allocations;
  return __libc_realloc(p, n);
}
extern "C" void* memalign(size_t a, size_t n) {
  if (g_counting) ++g_allocations;
  return __libc_memalign(a, n);
}
extern "C" int posix_memalign(void** out, size_t a, size_t n) {
  if (g_counting) ++g_allocations;
  *out = __libc_memalign(a, n);
  return *out ? 0 : 12;
}
extern "C" void* aligned_alloc(size_t a, size_t n) {
  if (g_counting) ++g_allocations;
  return __libc_memalign(a, n);
}

using namespace headlab;

TEST_CASE("a training step makes no heap allocation", "[model][alloc]") {
  // The benchmark's "small" shape: big enough that Eigen's GEMM blocking is exercised.
  for (const char* name : {"induction", "text"}) {
    TaskSpec spec;
    spec.name = name;
    spec.ctx = 64;
    spec.text = std::string(2000, 'a') + "the quick brown fox jumps over the lazy dog";
    std::string error;
    auto task = make_task(spec, &error);
    REQUIRE(task);
    const ModelConfig cfg = presets::bench_small(task->vocab_size());
    const int B = 16, T = task->seq_len();
    Transformer m(cfg, B);
    AdamW opt(m.layout());
    init_params(m.params(), m.layout(), cfg, HeadInit::Random, 1);
    std::vector<int> tokens(B * T), targets(B * T);
    Rng rng(1);
    g_allocations = 0;
    g_counting = true;
    for (int step = 0; step < 3; ++step) {
      task->sample(rng, B, tokens.data(), targets.data());
      m.zero_grad();
      m.forward(tokens.data(), targets.data(), B, T);
      m.backward();
      opt.step(m.params(), m.grads(), AdamWConfig{});
    }
    g_counting = false;
    INFO("task " << name);
    CHECK(g_allocations == 0);
  }
}

TEST_CASE("the allocation counter sees allocations (so the test above can fail)", "[alloc]") {
  g_allocations = 0;
  g_counting = true;
  void* volatile p = std::malloc(64);
  g_counting = false;
  std::free(p);
  CHECK(g_allocations == 1);
}
#endif
