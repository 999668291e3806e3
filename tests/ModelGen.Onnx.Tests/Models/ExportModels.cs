using ModelGen;

namespace ModelGen.Onnx.Tests.Models;

// Networks to export. Together they put every activation in a hidden and an output position, so
// every ONNX node the exporter writes (Gemm, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, and a Gemm
// writing the output directly for Identity) is run by ONNX Runtime.

/// <summary>The classic MNIST network: 784 → 128 ReLU → 10 softmax.</summary>
[Model]
[Input(784)]
[Dense(128, Activation.ReLU, Name = "Hidden")]
[Dense(10, Activation.Softmax, Name = "Output")]
public partial class MnistMlp;

/// <summary>Every activation once, in a classifier: the hidden layers cover all but Softmax.</summary>
[Model]
[Input(12)]
[Dense(16, Activation.ReLU, Name = "Rectified")]
[Dense(15, Activation.LeakyReLU, Slope = 0.1f, Name = "Leaky")]
[Dense(14, Activation.Sigmoid, Name = "Squashed")]
[Dense(13, Activation.Tanh, Name = "Bounded")]
[Dense(11, Activation.Identity, Name = "Linear")]
[Dense(6, Activation.Softmax, Name = "Classes")]
public partial class EveryActivationClassifier;

/// <summary>A regressor with a linear output: the last Gemm writes "output" itself.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(9)]
[Dense(20, Activation.Tanh)]
[Dense(3, Activation.Identity)]
public partial class LinearOutputRegressor;

/// <summary>A sigmoid output after a linear hidden layer.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(9)]
[Dense(20, Activation.Identity)]
[Dense(4, Activation.Sigmoid)]
public partial class SigmoidOutputRegressor;

/// <summary>A tanh output after a leaky hidden layer with another slope.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(9)]
[Dense(20, Activation.LeakyReLU, Slope = 0.3f)]
[Dense(5, Activation.Tanh)]
public partial class TanhOutputRegressor;

/// <summary>A LeakyReLU output after a sigmoid hidden layer.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(9)]
[Dense(20, Activation.Sigmoid)]
[Dense(2, Activation.LeakyReLU, Slope = 0.05f)]
public partial class LeakyOutputRegressor;

/// <summary>One layer only, ReLU: the graph input feeds the only Gemm.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(9)]
[Dense(4, Activation.ReLU, Name = "Only")]
public partial class SingleLayerRelu;

/// <summary>Keras' MNIST convnet, as the sample declares it.</summary>
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
