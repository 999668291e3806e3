using ModelGen;

namespace ModelGen.TestModels;

// Graph models shared by the core, ONNX Runtime and TorchSharp tests (linked into each project): residual blocks (declared as reusable blocks), a MobileNetV2
// inverted residual, and two branches joined by Concatenate. Small, so a gradient check runs in a second.

/// <summary>A ResNet basic block: two 3×3 convolutions with BatchNormalization, and the block's input added back.</summary>
[Block]
[Conv2D(Block.Filters, 3, Padding = Padding.Same, UseBias = false)]
[BatchNormalization]
[Activation(Activation.ReLU)]
[Conv2D(Block.Filters, 3, Padding = Padding.Same, UseBias = false, Name = "Conv2")]
[BatchNormalization(Name = "Bn2")]
[Add("Bn2", Block.Input)]
[Activation(Activation.ReLU)]
public static class BasicBlock;

/// <summary>A ResNet block that halves the image: a strided first convolution and a strided 1×1 projection on the shortcut.</summary>
[Block]
[Conv2D(Block.Filters, 3, Stride = Block.Stride, Padding = Padding.Same, UseBias = false)]
[BatchNormalization]
[Activation(Activation.ReLU)]
[Conv2D(Block.Filters, 3, Padding = Padding.Same, UseBias = false)]
[BatchNormalization(Name = "Bn2")]
[Conv2D(Block.Filters, 1, Stride = Block.Stride, UseBias = false, Input = Block.Input, Name = "Shortcut")]
[BatchNormalization(Name = "ShortcutBn")]
[Add("Bn2", "ShortcutBn")]
[Activation(Activation.ReLU)]
public static class DownsampleBlock;

/// <summary>A tiny ResNet: stem, a basic block, a strided block with a projection, global average pooling.</summary>
[Model]
[Input(8, 8, 2)]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false, Name = "Stem")]
[BatchNormalization(Name = "StemBn")]
[Activation(Activation.ReLU, Name = "StemRelu")]
[Use(typeof(BasicBlock), Filters = 4, Name = "Stage1")]
[Use(typeof(DownsampleBlock), Filters = 6, Stride = 2, Name = "Stage2")]
[GlobalAveragePooling2D]
[Dense(3, Activation.Softmax)]
public partial class TinyResNet;

/// <summary>
/// A ResNet wide enough (16 and 32 filters) for Infer's Winograd path, on an odd-sized image so that tiles hang over its edges:
/// the stem (3 channels) and the strided convolutions stay direct.
/// </summary>
[Model]
[Input(11, 9, 3)]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false, Name = "Stem")]
[BatchNormalization(Name = "StemBn")]
[Activation(Activation.ReLU, Name = "StemRelu")]
[Use(typeof(BasicBlock), Filters = 16, Name = "Stage1")]
[Use(typeof(DownsampleBlock), Filters = 32, Stride = 2, Name = "Stage2")]
[GlobalAveragePooling2D]
[Dense(3, Activation.Softmax)]
public partial class WinogradResNet;

/// <summary>A MobileNetV2 inverted residual: 1×1 expand, depthwise 3×3 with ReLU6, 1×1 project, residual add.</summary>
[Model]
[Input(6, 6, 3)]
[Conv2D(4, 1, Name = "Entry")]
[Conv2D(8, 1, UseBias = false, Name = "Expand")]
[BatchNormalization(Name = "ExpandBn")]
[Activation(Activation.ReLU6)]
[DepthwiseConv2D(3, Padding = Padding.Same, UseBias = false)]
[BatchNormalization(Name = "DepthwiseBn")]
[Activation(Activation.ReLU6)]
[Conv2D(4, 1, UseBias = false, Name = "Project")]
[BatchNormalization(Name = "ProjectBn")]
[Add("ProjectBn", "Entry")]
[AveragePooling2D(2)]
[Flatten]
[Dense(3, Activation.Softmax)]
public partial class InvertedResidual;

/// <summary>Two branches of the same input, joined along channels.</summary>
[Model]
[Input(7, 7, 2)]
[Conv2D(3, 1, Activation.ReLU, Name = "Narrow")]
[Conv2D(2, 3, Activation.Tanh, Padding = Padding.Same, Input = "input", Name = "Wide")]
[Concatenate("Narrow", "Wide")]
[AveragePooling2D(3, Stride = 2, Padding = Padding.Same)]
[Flatten]
[Dense(4, Activation.Softmax)]
public partial class TwoBranches;
