namespace ModelGen.ReferenceTests.Imported;

// PyTorch's .onnx fixtures (tests/fixtures/pytorch, made by make_fixtures.py), imported by this project's own build:
// the files are AdditionalFiles, runtime/build/ModelGen.targets encodes them into obj/, and the generator compiles
// their trained weights into these classes. ImportedTwinTests checks each against a TorchSharp twin in PyTorch's layout.

/// <summary>784 → Linear 128 → ReLU → Linear 10 → Softmax.</summary>
[OnnxModel("../fixtures/pytorch/mlp.onnx")]
public partial class ImportedMlp;

/// <summary>Keras' MNIST convnet as PyTorch exports it: [N, 1, 28, 28], two Conv/ReLU/MaxPool, Flatten, Linear 1600 → 10, Softmax.</summary>
[OnnxModel("../fixtures/pytorch/convnet.onnx")]
public partial class ImportedConvNet;

/// <summary>Conv(stride 2, padding 1) ReLU, Conv(padding 1, no bias) ReLU, MaxPool, Flatten, Linear 784 → 10, Softmax.</summary>
[OnnxModel("../fixtures/pytorch/same_stride2.onnx")]
public partial class ImportedSameStride2;

/// <summary>A regressor: 20 → 32 LeakyReLU(0.1) → 16 Tanh → 8 Sigmoid → 4 (mean squared error).</summary>
[OnnxModel("../fixtures/pytorch/leaky_tanh.onnx")]
public partial class ImportedLeakyTanh;

/// <summary>[N, 3, 16, 16] channels-first (the class copies it channels-last): Conv 6 Tanh, MaxPool, Flatten, Linear 294 → 10, Softmax.</summary>
[OnnxModel("../fixtures/pytorch/rgb.onnx")]
public partial class ImportedRgb;

/// <summary>tf2onnx's form of Keras' Dense layers: MatMul (W [in, out]) + Add, Relu, MatMul + Add, Softmax.</summary>
[OnnxModel("../fixtures/pytorch/matmul_add.onnx")]
public partial class ImportedMatMulAdd;
