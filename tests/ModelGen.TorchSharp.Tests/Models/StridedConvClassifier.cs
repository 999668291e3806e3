namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// Convolutions without pooling: a strided Valid 4×4 convolution over two channels, a 1×1 convolution
/// that mixes channels, then Flatten → Dropout → 4-class softmax. With no max-pool there are no window
/// ties, so long lockstep runs stay close to TorchSharp (compare MnistConvNet in ConvOptimizerReferenceTests).
/// </summary>
[Model]
[Input(14, 11, 2)]
[Conv2D(5, 4, Activation.ReLU, Stride = 2, Name = "Strided")] // [6, 4, 5]
[Conv2D(3, 1, Activation.Sigmoid, Name = "Mix")]              // [6, 4, 3]
[Flatten]
[Dropout(0.3)]
[Dense(4, Activation.Softmax, Name = "Classes")]
public partial class StridedConvClassifier;
