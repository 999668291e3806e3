using ModelGen;

namespace ModelGen.Samples.Mnist;

/// <summary>
/// The classic MNIST network, 784 → 128 ReLU → 10 softmax, trained with sparse categorical
/// cross-entropy. The generator writes its forward, backward, training, inference and
/// save/load code at build time from these attributes.
/// </summary>
[Model]
[Input(784)]
[Dense(128, Activation.ReLU, Name = "Hidden")]
[Dense(10, Activation.Softmax, Name = "Output")]
public partial class MnistMlp;
