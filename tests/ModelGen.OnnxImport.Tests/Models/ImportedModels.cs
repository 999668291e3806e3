namespace ModelGen.OnnxImport.Tests.Models;

// Imported by this project's own build: the .onnx files are AdditionalFiles, runtime/build/ModelGen.targets
// encodes them into obj/, and the generator compiles the trained weights into this assembly.

/// <summary>784 → Linear 128 → ReLU → Linear 10 → Softmax, 101,770 parameters.</summary>
[OnnxModel("../fixtures/pytorch/mlp.onnx")]
public partial class TorchMlp;

/// <summary>Keras' MNIST convnet as PyTorch exports it: [N, 1, 28, 28], two Conv/ReLU/MaxPool, Flatten, Linear, Softmax.</summary>
[OnnxModel("fixtures/pytorch/convnet.onnx")] // an ending of the full path is enough
public partial class TorchConvNet;

/// <summary>[N, 3, 16, 16] channels-first: the class takes NCHW and copies it channels-last.</summary>
[OnnxModel("../fixtures/pytorch/rgb.onnx")]
public partial class TorchRgb;

/// <summary>A regressor: LeakyReLU, Tanh, Sigmoid, then a linear output (mean squared error).</summary>
[OnnxModel("../fixtures/pytorch/leaky_tanh.onnx")]
public partial class TorchLeakyTanh;

/// <summary>Conv(stride 2, padding 1) ReLU, then a Conv without bias (nn.Conv2d(bias=False)): ModelGen gives it none either.</summary>
[OnnxModel("../fixtures/pytorch/same_stride2.onnx")]
public partial class TorchSameStride2;
