using ModelGen;
using ModelGen.Tests.Reference;

namespace ModelGen.Tests.Models;

/// <summary>The classic MNIST network: 784 → 128 ReLU → 10 softmax.</summary>
[Model]
[Input(784)]
[Dense(128, Activation.ReLU, Name = "Hidden")]
[Dense(10, Activation.Softmax, Name = "Output")]
public partial class MnistMlp : IClassifier<MnistMlp.Workspace>;
