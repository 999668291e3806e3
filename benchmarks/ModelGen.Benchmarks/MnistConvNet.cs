using ModelGen;

namespace ModelGen.Benchmarks;

/// <summary>
/// Keras' MNIST convnet, declared as in samples/Mnist: the convnet row of the comparison times a
/// training epoch of it against a TorchSharp twin (Compare/Engines/TorchSharpConvEngine.cs).
/// </summary>
[Model]
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(64, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dropout(0.5)]
[Dense(10, Activation.Softmax)]
public partial class MnistConvNet;
