using ModelGen;

namespace ModelGen.Tests.Models;

// Convolutional models for the core tests: the Keras MNIST convnet, and a small one on the same
// 28×28 inputs that trains in a second.

/// <summary>Keras' "Simple MNIST convnet".</summary>
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

/// <summary>A small convnet: a strided Same convolution, pooling, dropout and a softmax layer.</summary>
[Model]
[Input(28, 28, 1)]
[Conv2D(6, 5, Activation.ReLU, Stride = 2, Padding = Padding.Same)]
[MaxPool2D(2)]
[Flatten]
[Dropout(0.2)]
[Dense(10, Activation.Softmax)]
public partial class TinyConvNet;
