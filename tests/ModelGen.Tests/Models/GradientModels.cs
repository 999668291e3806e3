using ModelGen;
using ModelGen.Tests.Reference;

namespace ModelGen.Tests.Models;

// Small networks for finite-difference gradient checks: together they use every activation and
// both losses, in first, middle and last positions.

[Model]
[Input(5)]
[Dense(7, Activation.ReLU)]
[Dense(4, Activation.Softmax)]
public partial class ReluSoftmaxNet : IClassifier<ReluSoftmaxNet.Workspace>;

[Model]
[Input(4)]
[Dense(6, Activation.LeakyReLU, Slope = 0.1f)]
[Dense(5, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class LeakyTanhSoftmaxNet : IClassifier<LeakyTanhSoftmaxNet.Workspace>;

[Model(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(5, Activation.Sigmoid)]
[Dense(4, Activation.Tanh)]
[Dense(2, Activation.Identity)]
public partial class SigmoidTanhLinearNet : IRegressor<SigmoidTanhLinearNet.Workspace>;

[Model(Loss = Loss.MeanSquaredError)]
[Input(4)]
[Dense(6, Activation.Identity, Name = "Linear")]
[Dense(3, Activation.Sigmoid, Name = "Squash")]
public partial class LinearSigmoidNet : IRegressor<LinearSigmoidNet.Workspace>;

[Model]
[Input(3)]
[Dense(4, Activation.ReLU)]
[Dense(2, Activation.Tanh)]
public partial class ReluTanhMseNet : IRegressor<ReluTanhMseNet.Workspace>;

[Model]
[Input(3)]
[Dense(5, Activation.Sigmoid)]
[Dense(3, Activation.LeakyReLU, Slope = 0.2f)]
public partial class SigmoidLeakyMseNet : IRegressor<SigmoidLeakyMseNet.Workspace>;

// Wide enough to reach every kernel path: 64-column register blocks (131 = 2·64 + 3, 72 = 64 + 8),
// 8-column vectors, scalar tails, and both input-gradient strategies (dot products for ≥ 64 units,
// the transposed row kernel for fewer).
[Model]
[Input(70)]
[Dense(131, Activation.ReLU)]
[Dense(72, Activation.Tanh)]
[Dense(9, Activation.Softmax)]
public partial class WideNet : IClassifier<WideNet.Workspace>;
