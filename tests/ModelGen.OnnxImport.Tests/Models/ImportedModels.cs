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

// PyTorch's graph models (tests/fixtures/pytorch/graph): branches, residual Adds, BatchNormalization with its running
// statistics, depthwise convolution, average pooling after Pad, ReLU6.

/// <summary>A ResNet stem and two basic blocks (one strided, with a 1×1 projection shortcut), BatchNormalization kept.</summary>
[OnnxModel("../fixtures/pytorch/graph/resnet_block_preserve.onnx")]
public partial class TorchResNetBlock;

/// <summary>The same model exported in eval mode: BatchNormalization folded into the Convs.</summary>
[OnnxModel("../fixtures/pytorch/graph/resnet_block_eval.onnx")]
public partial class TorchResNetBlockEval;

/// <summary>MobileNetV2's inverted residual: 1×1 expand, BatchNormalization, ReLU6, depthwise 3×3, 1×1 project, + input.</summary>
[OnnxModel("../fixtures/pytorch/graph/mobilenet_v2_block.onnx")]
public partial class TorchMobileNetV2Block;

/// <summary>A 1×1 and a 3×3 Conv of one input, concatenated along the channels.</summary>
[OnnxModel("../fixtures/pytorch/graph/concat_branches.onnx")]
public partial class TorchConcatBranches;

/// <summary>nn.AvgPool2d(2): a Pad of nothing, then AveragePool.</summary>
[OnnxModel("../fixtures/pytorch/graph/avgpool_k2.onnx")]
public partial class TorchAvgPool2;

/// <summary>nn.AvgPool2d(3, 1, 1): a Pad of zeros (counted), then AveragePool.</summary>
[OnnxModel("../fixtures/pytorch/graph/avgpool_k3_pad1_include.onnx")]
public partial class TorchAvgPool3Include;

/// <summary>nn.AvgPool2d(3, 1, 1, count_include_pad=False): one AveragePool with pads.</summary>
[OnnxModel("../fixtures/pytorch/graph/avgpool_k3_pad1_exclude.onnx")]
public partial class TorchAvgPool3Exclude;

/// <summary>F.pad(x, (0, 1, 0, 1)) then F.avg_pool2d(x, 2): pads computed by integer nodes.</summary>
[OnnxModel("../fixtures/pytorch/graph/pad_avgpool.onnx")]
public partial class TorchPadAvgPool;

/// <summary>Conv then ReLU6 (Relu then Clip(0, 6)).</summary>
[OnnxModel("../fixtures/pytorch/graph/relu6_clip.onnx")]
public partial class TorchRelu6;
