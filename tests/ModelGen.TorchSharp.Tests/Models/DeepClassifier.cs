namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// Five layers, narrowing, with every hidden activation: Tanh, LeakyReLU (slope 0.2), Identity, Sigmoid,
/// then a 5-class softmax with sparse categorical cross-entropy.
/// </summary>
[Model]
[Input(20)]
[Dense(64, Activation.Tanh, Name = "Tanh64")]
[Dense(32, Activation.LeakyReLU, Name = "Leaky32", Slope = 0.2f)]
[Dense(24, Activation.Identity, Name = "Linear24")]
[Dense(16, Activation.Sigmoid, Name = "Sigmoid16")]
[Dense(5, Activation.Softmax, Name = "Output")]
public partial class DeepClassifier;
