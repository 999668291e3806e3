using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests;

/// <summary>
/// The same network in TorchSharp, built from the model's declaration: one nn.Linear per dense layer,
/// then the activation via torch's own functions. Parameters are exchanged with the generated flat
/// buffer, transposing W: ModelGen stores it [inputs, units], PyTorch's Linear.weight is [units, inputs].
/// </summary>
public sealed class TorchTwin : IDisposable
{
    private readonly Linear[] _linears;

    /// <summary>Creates the layers (float32); their initial values are overwritten by <see cref="LoadParameters"/>.</summary>
    public TorchTwin(ModelLayout layout)
    {
        Layout = layout;
        _linears = layout.Layers.Select(l => nn.Linear(l.Inputs, l.Units, hasBias: true, dtype: ScalarType.Float32)).ToArray();
    }

    /// <summary>The architecture this twin mirrors.</summary>
    public ModelLayout Layout { get; }

    /// <summary>Every trainable tensor, layer by layer, weight then bias (for a torch optimizer).</summary>
    public IEnumerable<Parameter> Parameters => _linears.SelectMany(l => new[] { l.weight!, l.bias! });

    /// <summary>Copies the generated model's flat parameters into the Linear layers.</summary>
    public void LoadParameters(ReadOnlySpan<float> parameters)
    {
        Assert.Equal(Layout.ParameterCount, parameters.Length);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < _linears.Length; i++)
        {
            DenseLayer layer = Layout.Layers[i];
            Tensor w = tensor(parameters.Slice(layer.WeightsOffset, layer.WeightsLength).ToArray(), [layer.Inputs, layer.Units]);
            _linears[i].weight!.copy_(w.t());
            _linears[i].bias!.copy_(tensor(parameters.Slice(layer.BiasesOffset, layer.Units).ToArray(), [layer.Units]));
        }
    }

    /// <summary>The parameters in the generated flat layout.</summary>
    public float[] ReadParameters() => Flatten(p => p);

    /// <summary>The gradients of the last backward(), in the generated flat layout.</summary>
    public float[] ReadGradients() => Flatten(p => p.grad ?? throw new InvalidOperationException("No gradient: backward() has not run."));

    /// <summary>The batch's inputs as a [Size, InputSize] tensor.</summary>
    public Tensor Inputs(ReferenceBatch batch) => tensor(batch.Inputs, [batch.Size, Layout.InputSize]);

    /// <summary>
    /// Runs the network. For a classifier this returns the logits (the loss takes them, as PyTorch's
    /// cross_entropy fuses log-softmax); otherwise the outputs.
    /// </summary>
    public Tensor Forward(Tensor x)
    {
        for (int i = 0; i < _linears.Length; i++)
        {
            DenseLayer layer = Layout.Layers[i];
            x = _linears[i].forward(x);
            x = layer.Activation switch
            {
                Activation.Identity => x,
                Activation.ReLU => nn.functional.relu(x),
                Activation.LeakyReLU => nn.functional.leaky_relu(x, layer.Slope),
                Activation.Sigmoid => sigmoid(x),
                Activation.Tanh => tanh(x),
                Activation.Softmax when i == _linears.Length - 1 => x, // logits; see Outputs and Loss
                _ => throw new NotSupportedException($"Layer {layer.Name}: activation {layer.Activation} has no TorchSharp mapping here."),
            };
        }
        return x;
    }

    /// <summary>What the generated model reports as outputs: probabilities (softmax of the logits) for a classifier.</summary>
    public Tensor Outputs(Tensor forward) => Layout.IsClassifier ? nn.functional.softmax(forward, 1) : forward;

    /// <summary>The mean loss: cross_entropy on the logits and int64 labels, or mse_loss on the outputs.</summary>
    public Tensor Loss(Tensor forward, ReferenceBatch batch) => Layout.IsClassifier
        ? nn.functional.cross_entropy(forward, tensor(batch.Labels.Select(l => (long)l).ToArray(), [batch.Size]))
        : nn.functional.mse_loss(forward, tensor(batch.Targets, [batch.Size, Layout.OutputSize]));

    /// <summary>Reads a tensor's values as a flat float array.</summary>
    public static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    private float[] Flatten(Func<Tensor, Tensor> select)
    {
        var flat = new float[Layout.ParameterCount];
        using var scope = NewDisposeScope();
        for (int i = 0; i < _linears.Length; i++)
        {
            DenseLayer layer = Layout.Layers[i];
            Values(select(_linears[i].weight!).t()).CopyTo(flat, layer.WeightsOffset);
            Values(select(_linears[i].bias!)).CopyTo(flat, layer.BiasesOffset);
        }
        return flat;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Linear linear in _linears) linear.Dispose();
    }
}
