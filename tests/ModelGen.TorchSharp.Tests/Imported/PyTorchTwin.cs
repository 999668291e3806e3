using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.Imported;

/// <summary>
/// A fixture's network written in TorchSharp as make_fixtures.py writes it in PyTorch: NCHW images, nn.Conv2d,
/// nn.MaxPool2d, nn.Flatten and nn.Linear modules under the same attribute and nn.Sequential names, so its
/// state_dict has the very names and shapes of the .onnx file's initializers ("features.0.weight" [32, 1, 3, 3],
/// "fc1.weight" [128, 784]). It stops before the final Softmax: <see cref="Run"/> gives the logits (cross_entropy
/// takes those) and <see cref="Outputs"/> the probabilities. Its initial values are PyTorch's random ones until
/// <see cref="LoadStateDict"/> overwrites every tensor.
/// </summary>
public sealed class PyTorchTwin : nn.Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> _logits;

    private PyTorchTwin(string name, bool isClassifier, IEnumerable<(string Name, nn.Module Module)> children, Func<Tensor, Tensor> logits) : base(name)
    {
        IsClassifier = isClassifier;
        _logits = logits;
        foreach ((string child, nn.Module module) in children) register_module(child, module);
    }

    /// <summary>Whether the network ends with Softmax (trained with cross-entropy) rather than a linear output (MSE).</summary>
    public bool IsClassifier { get; }

    /// <summary>The twin of a fixture, by its name in tests/fixtures/pytorch/manifest.json.</summary>
    public static PyTorchTwin For(string fixture)
    {
        PyTorchTwin twin = fixture switch
        {
            // Mlp: torch.softmax(self.fc2(torch.relu(self.fc1(x))), dim=1)
            "mlp" => Mlp(),
            // ConvNet: features = Sequential(Conv2d(1,32,3), ReLU, MaxPool2d(2), Conv2d(32,64,3), ReLU, MaxPool2d(2),
            // Flatten, Dropout(0.5), Linear(1600,10), Softmax(dim=1)); the eval-mode export dropped the Dropout.
            "convnet" => Features(fixture, true,
                nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10)),
            // SameStride2: Sequential(Conv2d(1,8,3,stride=2,padding=1), ReLU, Conv2d(8,16,3,padding=1,bias=False), ReLU,
            // MaxPool2d(2), Flatten, Linear(784,10), Softmax(dim=1))
            "same_stride2" => Features(fixture, true,
                nn.Conv2d(1, 8, 3, stride: 2, padding: 1), nn.ReLU(),
                nn.Conv2d(8, 16, 3, padding: 1, bias: false), nn.ReLU(), nn.MaxPool2d(2),
                nn.Flatten(), nn.Linear(16 * 7 * 7, 10)),
            // LeakyTanh: layers = Sequential(Linear(20,32), LeakyReLU(0.1), Linear(32,16), Tanh, Linear(16,8), Sigmoid, Linear(8,4))
            "leaky_tanh" => Sequential(fixture, "layers", false,
                nn.Linear(20, 32), nn.LeakyReLU(0.1), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 8), nn.Sigmoid(), nn.Linear(8, 4)),
            // Rgb: Sequential(Conv2d(3,6,3), Tanh, MaxPool2d(2), Flatten, Linear(294,10), Softmax(dim=1))
            "rgb" => Features(fixture, true,
                nn.Conv2d(3, 6, 3), nn.Tanh(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(6 * 7 * 7, 10)),
            // The tf2onnx-style graph has no PyTorch model: x W1 + b1, relu, W2 + b2, softmax, as two nn.Linear named as
            // ModelGen names their layers (after the initializers "sequential/dense/MatMul/ReadVariableOp:0", ...),
            // each weight the transpose of the file's MatMul matrix [in, out], as nn.Linear holds it.
            "matmul_add" => MatMulAdd(),
            _ => throw new ArgumentOutOfRangeException(nameof(fixture), fixture, "No twin for this fixture."),
        };
        // Inference mode (the convnet's Dropout passes values through, as in the import); autograd works all the same.
        twin.eval();
        return twin;
    }

    private static PyTorchTwin Mlp()
    {
        Linear fc1 = nn.Linear(784, 128), fc2 = nn.Linear(128, 10);
        return new PyTorchTwin("mlp", true, [("fc1", fc1), ("fc2", fc2)], x => fc2.call(nn.functional.relu(fc1.call(x))));
    }

    private static PyTorchTwin MatMulAdd()
    {
        Linear dense = nn.Linear(784, 128), dense1 = nn.Linear(128, 10);
        return new PyTorchTwin("matmul_add", true,
            [("sequential_dense_MatMul_ReadVariableOp_0", dense), ("sequential_dense_1_MatMul_ReadVariableOp_0", dense1)],
            x => dense1.call(nn.functional.relu(dense.call(x))));
    }

    private static PyTorchTwin Features(string name, bool isClassifier, params nn.Module<Tensor, Tensor>[] modules) =>
        Sequential(name, "features", isClassifier, modules);

    // nn.Sequential(m0, m1, ...) names its children "0", "1", ... in PyTorch: the same names here.
    private static PyTorchTwin Sequential(string name, string attribute, bool isClassifier, params nn.Module<Tensor, Tensor>[] modules)
    {
        Sequential sequential = nn.Sequential(modules.Select((m, i) => (i.ToString(CultureInfo.InvariantCulture), m)).ToArray());
        return new PyTorchTwin(name, isClassifier, [(attribute, sequential)], x => sequential.call(x));
    }

    /// <summary>The logits of a classifier (no Softmax), the outputs of a regressor; x is [n, ...] as the .onnx file declares it.</summary>
    public override Tensor forward(Tensor input) => _logits(input);

    /// <summary>Runs the network; x is [n, ...] as the .onnx file declares it (NCHW for images).</summary>
    public Tensor Run(Tensor x) => call(x);

    /// <summary>What the generated model reports: softmax of the logits for a classifier, the outputs of a regressor.</summary>
    public Tensor Outputs(Tensor forward) => IsClassifier ? nn.functional.softmax(forward, 1) : forward;

    /// <summary>The mean loss over the batch: cross_entropy on the logits and int64 labels, or mse_loss (mean over every value).</summary>
    public Tensor Loss(Tensor forward, ReferenceBatch batch) => IsClassifier
        ? nn.functional.cross_entropy(forward, tensor(batch.Labels.Select(l => (long)l).ToArray(), [batch.Size]))
        : nn.functional.mse_loss(forward, tensor(batch.Targets, [batch.Size, forward.shape[1]]));

    /// <summary>Every parameter by its state_dict name ("features.0.weight").</summary>
    public Dictionary<string, Parameter> NamedParameters() => named_parameters().ToDictionary(p => p.name, p => p.parameter);

    /// <summary>
    /// Copies every tensor of a state_dict file into the parameters of the same name, with no transposition of any kind.
    /// The file must hold exactly the twin's tensors, each with the twin's shape.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, NamedTensor> file)
    {
        Dictionary<string, Parameter> parameters = NamedParameters();
        Assert.True(parameters.Keys.Order(StringComparer.Ordinal).SequenceEqual(file.Keys.Order(StringComparer.Ordinal)),
            $"The file holds [{string.Join(", ", file.Keys.Order(StringComparer.Ordinal))}], PyTorch's model has [{string.Join(", ", parameters.Keys.Order(StringComparer.Ordinal))}].");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach ((string name, Parameter target) in parameters)
        {
            NamedTensor source = file[name];
            Assert.True(target.shape.SequenceEqual(source.Shape), $"{name}: the file has shape [{string.Join(", ", source.Shape)}], PyTorch's model [{string.Join(", ", target.shape)}].");
            target.copy_(tensor(source.Values, source.Shape));
        }
    }
}
