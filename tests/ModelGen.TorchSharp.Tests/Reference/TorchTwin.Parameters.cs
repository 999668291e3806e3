using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests;

/// <summary>
/// Parameter exchange between the twin's modules and ModelGen's flat buffer. The layouts differ, so W is
/// permuted: Linear.weight is [units, inputs] where ModelGen stores [inputs, units]; Conv2d.weight is
/// [out, in, kh, kw] where ModelGen stores [kh, kw, in, out]; and a Linear after nn.Flatten of an image
/// reads its inputs in (c, h, w) order where ModelGen's are (h, w, c).
/// </summary>
public sealed partial class TorchTwin
{
    /// <summary>Every trainable tensor, layer by layer, weight then bias (for a torch optimizer).</summary>
    public IEnumerable<Parameter> Parameters => Layout.TrainableLayers.SelectMany(l => new[] { Weight(l), Bias(l) });

    /// <summary>The twin's state_dict: "Layer.weight" and "Layer.bias" per trainable layer, in PyTorch's layouts.</summary>
    public Dictionary<string, Tensor> StateDict() => _modules.state_dict();

    /// <summary>Copies the generated model's flat parameters into the modules.</summary>
    public void LoadParameters(ReadOnlySpan<float> parameters)
    {
        Assert.Equal(Layout.ParameterCount, parameters.Length);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (TrainableLayer layer in Layout.TrainableLayers)
        {
            Tensor w = tensor(parameters.Slice(layer.WeightsOffset, layer.WeightsLength).ToArray());
            Weight(layer).copy_(ToTorchWeight(layer, w));
            Bias(layer).copy_(tensor(parameters.Slice(layer.BiasesOffset, layer.BiasesLength).ToArray()));
        }
    }

    /// <summary>The parameters in the generated flat layout.</summary>
    public float[] ReadParameters() => Flatten(p => p);

    /// <summary>The gradients of the last backward(), in the generated flat layout.</summary>
    public float[] ReadGradients() => Flatten(p => p.grad ?? throw new InvalidOperationException("No gradient: backward() has not run."));

    private float[] Flatten(Func<Tensor, Tensor> select)
    {
        var flat = new float[Layout.ParameterCount];
        using var scope = NewDisposeScope();
        foreach (TrainableLayer layer in Layout.TrainableLayers)
        {
            Values(ToModelGenWeight(layer, select(Weight(layer)))).CopyTo(flat, layer.WeightsOffset);
            Values(select(Bias(layer))).CopyTo(flat, layer.BiasesOffset);
        }
        return flat;
    }

    // Flat ModelGen W → the module's weight shape.
    private static Tensor ToTorchWeight(TrainableLayer layer, Tensor w) => layer switch
    {
        ConvLayer c => w.reshape(c.KernelHeight, c.KernelWidth, c.Input.Channels, c.Filters).permute(3, 2, 0, 1),
        DenseLayer { FlattenedFrom: { } image } d => w.reshape(image.Height, image.Width, image.Channels, d.Units).permute(3, 2, 0, 1).reshape(d.Units, d.Inputs),
        DenseLayer d => w.reshape(d.Inputs, d.Units).t(),
        _ => throw new NotSupportedException(layer.GetType().Name),
    };

    // The module's weight (or its gradient) → ModelGen's W, in its row-major order.
    private static Tensor ToModelGenWeight(TrainableLayer layer, Tensor w) => layer switch
    {
        ConvLayer => w.permute(2, 3, 1, 0),
        DenseLayer { FlattenedFrom: { } image } d => w.reshape(d.Units, image.Channels, image.Height, image.Width).permute(2, 3, 1, 0),
        DenseLayer => w.t(),
        _ => throw new NotSupportedException(layer.GetType().Name),
    };

    private Parameter Weight(TrainableLayer layer) => _modules[layer.Name] switch
    {
        Linear l => l.weight!,
        Conv2d c => c.weight!,
        _ => throw new NotSupportedException(layer.Name),
    };

    private Parameter Bias(TrainableLayer layer) => _modules[layer.Name] switch
    {
        Linear l => l.bias!,
        Conv2d c => c.bias!,
        _ => throw new NotSupportedException(layer.Name),
    };
}
