using ModelGen;

namespace ModelGen.Samples.Mnist;

/// <summary>
/// Keras' MNIST convnet example (keras.io/examples/vision/mnist_convnet): two 3×3 convolutions with
/// 2×2 max pooling, then dropout and a softmax layer, on 28×28×1 channels-last images, which are the
/// same 784 floats per image, in the same order, as the MLP's input. The generator writes its forward,
/// backward, training, inference and save/load code at build time from these attributes.
/// </summary>
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
