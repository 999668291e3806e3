namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// A fully convolutional regressor, mean squared error on an image output (no Dense at all): the
/// outputs are compared in ModelGen's channels-last order. Dropout acts on an image here, so its mask
/// must be permuted to NCHW; a Sigmoid conv at stride 2 has an odd Same row padding; the head is 1×2.
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(10, 9, 2)]
[Conv2D(6, 3, Activation.ReLU, Padding = Padding.Same)]               // Conv1 [10, 9, 6]
[MaxPool2D(2)]                                                        // Pool1 [5, 4, 6]
[Dropout(0.3)]
[Conv2D(4, 2, Activation.Sigmoid, Stride = 2, Padding = Padding.Same)] // Conv2 [3, 2, 4]; pad rows 0|1, columns 0|0
[Conv2D(2, 1, 2)]                                                     // Conv3 [3, 1, 2], linear
public partial class ConvRegressor;
