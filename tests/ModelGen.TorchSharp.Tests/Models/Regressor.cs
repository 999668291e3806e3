namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// A 3-output regression network: ReLU, LeakyReLU with the default slope (0.01), a linear output, mean
/// squared error. The layers keep their default names (Dense1, Dense2, Dense3).
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(13)]
[Dense(48, Activation.ReLU)]
[Dense(24, Activation.LeakyReLU)]
[Dense(3)]
public partial class Regressor;
