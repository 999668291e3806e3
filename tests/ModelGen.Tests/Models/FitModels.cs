using ModelGen;

namespace ModelGen.Tests.Models;

/// <summary>A classifier with dropout: the fit helper must train it in training mode and evaluate it in inference mode.</summary>
[Model]
[Input(784)]
[Dense(64, Activation.ReLU, Name = "Hidden")]
[Dropout(0.5)]
[Dense(10, Activation.Softmax, Name = "Output")]
public partial class DropoutNet : IClassifier<DropoutNet.Workspace>;
