namespace ModelGen.ReferenceTests.Models;

/// <summary>Wide and shallow: 300 → 256 Sigmoid → 7 Tanh, mean squared error (Loss.Auto picks it for a non-softmax output).</summary>
[Model]
[Input(300)]
[Dense(256, Activation.Sigmoid, Name = "Wide")]
[Dense(7, Activation.Tanh, Name = "Output")]
public partial class WideSigmoidRegressor;
