namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// The Keras MNIST convnet: 28×28×1 → Conv 32 3×3 ReLU → pool 2 → Conv 64 3×3 ReLU → pool 2 → Flatten →
/// Dropout 0.5 → Dense 10 softmax. Default layer names (Conv1, Pool1, Conv2, Pool2, Flatten1, Dropout1, Dense1).
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
