namespace ModelGen.ReferenceTests.Models;

/// <summary>One layer, no activation: plain linear regression, 9 → 4, mean squared error.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(9)]
[Dense(4, Name = "Linear")]
public partial class LinearRegression;
