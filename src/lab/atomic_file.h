// The one way headlab writes a file (checkpoints, run JSON, PNG pictures):
// the bytes go to a fresh temporary file beside the target (mkstemp, so two
// writers never share one), are flushed to disk, and the temporary file is
// renamed over the target. A reader, a crash, a full disk or a second writer
// then leaves either the old file or a complete new one, never a mixture.
//
// The target is what `path` names after following symlinks, so a symlink
// stays a symlink and its target is replaced. A target that exists and is not
// a regular file (a FIFO, a device, a directory) is refused: a rename would
// replace it with a plain file.
#pragma once
#include <cstddef>
#include <string>

namespace headlab {

// Writes size bytes to path as described above. Returns "" or one line
// ("cannot write 'PATH': reason"); on failure the temporary file is removed
// and the old file is untouched.
std::string write_file_atomically(const std::string& path, const void* data, size_t size);

// Whether write_file_atomically(path, ...) could succeed now: the target is a
// regular file or does not exist, and a file can be created in its folder
// (tried by creating and removing a temporary one). Returns "" or one line.
// Meant for before long work whose result would otherwise be lost.
std::string probe_output(const std::string& path);

// True when a and b would write or read the same file: the same target after
// symlinks, or the same inode when both exist (hard links).
bool same_file(const std::string& a, const std::string& b);

// A path inside a one-line message: whole, in quotes, control bytes as \xNN.
std::string quote_path(const std::string& path);

}  // namespace headlab
