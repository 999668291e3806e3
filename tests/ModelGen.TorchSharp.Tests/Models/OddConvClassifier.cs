namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// Odd shapes everywhere: a 17×13×3 image; a 3×2 kernel at stride 2 with Same padding whose column
/// total is odd (Keras puts the extra column right); an overlapping 3×3 pool at stride 2; a Tanh conv with
/// symmetric Same padding; a Same pool whose odd column padding must never win a window; then
/// Flatten → Dropout → 5-class softmax. A named layer between default-named ones checks the counters.
/// </summary>
[Model]
[Input(17, 13, 3)]
[Conv2D(8, 3, 2, Activation.LeakyReLU, Stride = 2, Padding = Padding.Same, Slope = 0.1f)] // [9, 7, 8]; pad rows 1|1, columns 0|1
[MaxPool2D(3, Stride = 2, Name = "Overlap")]                                              // [4, 3, 8]
[Conv2D(6, 3, Activation.Tanh, Padding = Padding.Same)]                                   // Conv2 [4, 3, 6]; pad 1|1, 1|1
[MaxPool2D(2, Padding = Padding.Same)]                                                    // Pool2 [2, 2, 6]; pad rows 0|0, columns 0|1
[Flatten]
[Dropout(0.25)]
[Dense(5, Activation.Softmax)]
public partial class OddConvClassifier;
