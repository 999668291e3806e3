namespace ModelGen.ReferenceTests.Models;

/// <summary>The MNIST network: 784 → 128 ReLU → 10 softmax, sparse categorical cross-entropy.</summary>
[Model]
[Input(784)]
[Dense(128, Activation.ReLU, Name = "Hidden")]
[Dense(10, Activation.Softmax, Name = "Output")]
public partial class MnistMlp;
