using ModelGen;

namespace ModelGen.Serving.Tests.Models;

/// <summary>A small classifier on flat inputs: 6 → 8 ReLU → 3 softmax.</summary>
[Model]
[Input(6)]
[Dense(8, Activation.ReLU, Name = "Hidden")]
[Dense(3, Activation.Softmax, Name = "Output")]
public partial class TinyMlp;

/// <summary>The same inputs and outputs as <see cref="TinyMlp"/>, another hidden size: a file of one must not load into the other.</summary>
[Model]
[Input(6)]
[Dense(5, Activation.ReLU, Name = "Hidden")]
[Dense(3, Activation.Softmax, Name = "Output")]
public partial class OtherMlp;

/// <summary>A small convnet on 6×6×1 images, with dropout (inactive when serving).</summary>
[Model]
[Input(6, 6, 1)]
[Conv2D(4, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dropout(0.25)]
[Dense(4, Activation.Softmax)]
public partial class TinyConvNet;

/// <summary>A regressor: no class output.</summary>
[Model]
[Input(3)]
[Dense(2, Activation.Identity)]
public partial class TinyRegressor;

/// <summary>PyTorch's 784 → 128 ReLU → 10 softmax MLP, imported from its ONNX export with its trained weights.</summary>
[OnnxModel("../fixtures/pytorch/mlp.onnx")]
public partial class TorchMlp;
