using ModelGen;

namespace ModelGen.Benchmarks;

/// <summary>
/// ResNet-20 (He et al., 2015, the CIFAR variant) for 28×28×1 images: a 16-channel 3×3 stem with
/// BatchNormalization and ReLU; three stages of three basic blocks with 16, 32 and 64 filters, the second
/// and third starting with a strided block whose shortcut is a strided 1×1 projection; global average
/// pooling; a 10-way softmax. 272,186 parameters. Each block is declared once, below, and used with [Use].
/// Declared as in samples/Mnist/MnistResNet.cs (the two must stay the same network): the ResNet rows of the
/// comparison time a training epoch of it against a TorchSharp twin and bulk inference against ONNX Runtime.
/// </summary>
[Model]
[Input(28, 28, 1)]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false, Name = "Stem")]
[BatchNormalization(Name = "StemBn")]
[Activation(Activation.ReLU, Name = "StemRelu")]
[Use(typeof(ResidualBlock), Filters = 16, Repeat = 3, Name = "Stage1")]
[Use(typeof(DownsamplingBlock), Filters = 32, Stride = 2, Name = "Stage2Down")]
[Use(typeof(ResidualBlock), Filters = 32, Repeat = 2, Name = "Stage2")]
[Use(typeof(DownsamplingBlock), Filters = 64, Stride = 2, Name = "Stage3Down")]
[Use(typeof(ResidualBlock), Filters = 64, Repeat = 2, Name = "Stage3")]
[GlobalAveragePooling2D(Name = "Pool")]
[Dense(10, Activation.Softmax, Name = "Classifier")]
public partial class MnistResNet;

/// <summary>A basic residual block: conv 3×3 → BN → ReLU → conv 3×3 → BN, plus the block's input, then ReLU.</summary>
[Block]
[Conv2D(Block.Filters, 3, Padding = Padding.Same, UseBias = false, Name = "Conv1")]
[BatchNormalization(Name = "Bn1")]
[Activation(Activation.ReLU, Name = "Relu1")]
[Conv2D(Block.Filters, 3, Padding = Padding.Same, UseBias = false, Name = "Conv2")]
[BatchNormalization(Name = "Bn2")]
[Add("Bn2", Block.Input, Name = "Sum")]
[Activation(Activation.ReLU, Name = "Relu2")]
public static class ResidualBlock;

/// <summary>A block that halves the image and changes the channel count: strided first conv, and a strided 1×1 conv + BN shortcut.</summary>
[Block]
[Conv2D(Block.Filters, 3, Stride = Block.Stride, Padding = Padding.Same, UseBias = false, Name = "Conv1")]
[BatchNormalization(Name = "Bn1")]
[Activation(Activation.ReLU, Name = "Relu1")]
[Conv2D(Block.Filters, 3, Padding = Padding.Same, UseBias = false, Name = "Conv2")]
[BatchNormalization(Name = "Bn2")]
[Conv2D(Block.Filters, 1, Stride = Block.Stride, UseBias = false, Input = Block.Input, Name = "Shortcut")]
[BatchNormalization(Name = "ShortcutBn")]
[Add("Bn2", "ShortcutBn", Name = "Sum")]
[Activation(Activation.ReLU, Name = "Relu2")]
public static class DownsamplingBlock;
