// Eigen views used throughout the core. Every matrix is row-major
// (see config.h); views never own memory.
#pragma once
#include <Eigen/Core>

namespace headlab {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Mat = Eigen::Map<RowMat>;
using CMat = Eigen::Map<const RowMat>;
using Vec = Eigen::Map<Eigen::RowVectorXf>;
using CVec = Eigen::Map<const Eigen::RowVectorXf>;

// Column-major views, used only for activations whose columns belong to
// attention heads (see layers.h, "head-sliced activations").
using ColMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using ColMat = Eigen::Map<ColMatrix>;
using CColMat = Eigen::Map<const ColMatrix>;
using CColMatRef = Eigen::Ref<const ColMatrix>;

// Read-only inputs bind to any row-major block (contiguous or strided) without copying.
using CMatRef = Eigen::Ref<const RowMat>;
using CVecRef = Eigen::Ref<const Eigen::RowVectorXf>;

}  // namespace headlab
