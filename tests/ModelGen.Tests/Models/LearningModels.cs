using ModelGen;
using ModelGen.Tests.Reference;

namespace ModelGen.Tests.Models;

/// <summary>Two interleaved spirals: a classic task no linear model can solve.</summary>
[Model]
[Input(2)]
[Dense(32, Activation.Tanh, Name = "First")]
[Dense(32, Activation.ReLU, Name = "Second")]
[Dense(2, Activation.Softmax, Name = "Classes")]
public partial class SpiralNet : IClassifier<SpiralNet.Workspace>;

/// <summary>XOR as regression: a sigmoid output trained with mean squared error.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(2)]
[Dense(8, Activation.LeakyReLU, Slope = 0.05f, Name = "Hidden")]
[Dense(1, Activation.Sigmoid, Name = "Output")]
public partial class XorNet : IRegressor<XorNet.Workspace>;
