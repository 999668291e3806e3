using ModelGen;

namespace ModelGen.Benchmarks;

/// <summary>The network every benchmark measures: 784 → 128 ReLU → 10 softmax, sparse categorical cross-entropy.</summary>
[Model]
[Input(784)]
[Dense(128, Activation.ReLU, Name = "Hidden")]
[Dense(10, Activation.Softmax, Name = "Output")]
public partial class MnistMlp;
