// How the native programs stop when asked to: SIGINT (Ctrl+C) and SIGTERM
// (what `timeout`, containers, service managers and job schedulers send)
// only set a flag, so the program finishes what it was doing and writes its
// files (the CLI its --out and --save, the desktop app what its close button
// writes). A second signal ends the program at once: the handler is reset.
// SIGXFSZ is ignored, so a file size limit fails a write, which is then
// reported, instead of killing the program.
#pragma once
#include <csignal>

namespace headlab {

inline volatile std::sig_atomic_t g_stop_signal = 0;

inline void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = [](int sig) { g_stop_signal = sig; };
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGXFSZ, SIG_IGN);
}

// The signal that asked to stop (0: none yet), in words.
inline const char* stop_reason() { return g_stop_signal == SIGTERM ? "terminated" : "interrupted"; }

}  // namespace headlab
