namespace ModelGen.OnnxImport.Tests.Models;

// Models declared with the attributes, exported with ExportOnnx and imported again by the round-trip tests.

[Model, Input(20), Dense(16, Activation.ReLU, Name = "Hidden"), Dense(4, Activation.Softmax, Name = "Output")]
public partial class SmallClassifier;

[Model, Input(6), Dense(8, Activation.LeakyReLU, Slope = 0.2f), Dense(8, Activation.Sigmoid), Dense(8, Activation.Tanh), Dense(3)]
public partial class EveryActivationRegressor;

[Model, Input(12, 10, 3), Conv2D(6, 3, Activation.ReLU, Padding = Padding.Same), MaxPool2D(2),
 Conv2D(8, 3, Activation.Tanh, Stride = 2, Padding = Padding.Same), Flatten, Dropout(0.25), Dense(5, Activation.Softmax)]
public partial class ConvClassifier;

[Model, Input(9, 7, 2), Conv2D(4, 3, Activation.Sigmoid), MaxPool2D(2, Padding = Padding.Same), Conv2D(3, 2)]
public partial class ConvImageRegressor;

[Model, Input(784), Dense(128, Activation.ReLU), Dense(10, Activation.Softmax)]
public partial class MnistMlp;
