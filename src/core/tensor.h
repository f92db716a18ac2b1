// Eigen views used throughout the core. Every matrix is row-major
// (see config.h); views never own memory.
#pragma once
#include <Eigen/Core>

namespace headlab {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Mat = Eigen::Map<RowMat>;
using CMat = Eigen::Map<const RowMat>;
// A block of a wider matrix, e.g. one head's columns inside the fused QKV activations.
using StridedMat = Eigen::Map<RowMat, Eigen::Unaligned, Eigen::OuterStride<>>;
using CStridedMat = Eigen::Map<const RowMat, Eigen::Unaligned, Eigen::OuterStride<>>;
using Vec = Eigen::Map<Eigen::RowVectorXf>;
using CVec = Eigen::Map<const Eigen::RowVectorXf>;

// Read-only inputs bind to any row-major block (contiguous or strided) without copying.
using CMatRef = Eigen::Ref<const RowMat>;
using CVecRef = Eigen::Ref<const Eigen::RowVectorXf>;

inline StridedMat strided(float* p, int rows, int cols, int stride) {
  return StridedMat(p, rows, cols, Eigen::OuterStride<>(stride));
}
inline CStridedMat strided(const float* p, int rows, int cols, int stride) {
  return CStridedMat(p, rows, cols, Eigen::OuterStride<>(stride));
}

}  // namespace headlab
