using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests;

/// <summary>
/// The same network in TorchSharp, built from the model's declaration as a PyTorch user would write it:
/// nn.Linear and nn.Conv2d modules named after the layers (so its state_dict names are "Conv1.weight",
/// "Dense1.bias", …), images in NCHW, nn.Flatten's (c, h, w) order, activations via torch's functions.
/// The flat rows arrive channels-last and are permuted to NCHW on the way in; outputs are permuted back
/// to ModelGen's order on the way out. Parameter exchange with the flat buffer is in TorchTwin.Parameters.cs.
/// </summary>
public sealed partial class TorchTwin : IDisposable
{
    private readonly TwinModules _modules;

    /// <summary>Creates the modules (float32); their initial values are overwritten by <see cref="LoadParameters"/>.</summary>
    public TorchTwin(ModelLayout layout)
    {
        Layout = layout;
        _modules = new TwinModules(layout.TrainableLayers.Select(l => (l.Name, Create(l))));
    }

    /// <summary>The architecture this twin mirrors.</summary>
    public ModelLayout Layout { get; }

    /// <summary>The batch's inputs as a [Size, InputSize] tensor (ModelGen's rows: channels-last for images).</summary>
    public Tensor Inputs(ReferenceBatch batch) => tensor(batch.Inputs, [batch.Size, Layout.InputSize]);

    /// <summary>
    /// Runs the network on ModelGen-ordered rows. Dropout multiplies by <paramref name="masks"/>[layer name]
    /// (ModelGen's mask from its training-mode Forward, in its order) when given, else passes values
    /// through (inference). For a classifier this returns the logits (the loss takes them, as PyTorch's
    /// cross_entropy fuses log-softmax); otherwise the outputs in the twin's own layout (see <see cref="Outputs"/>).
    /// </summary>
    public Tensor Forward(Tensor x, IReadOnlyDictionary<string, float[]>? masks = null)
    {
        long n = x.shape[0];
        SampleShape input = Layout.Input;
        if (input.IsImage) x = x.reshape(n, input.Height, input.Width, input.Channels).permute(0, 3, 1, 2);
        foreach (LayerLayout layer in Layout.Layers)
        {
            x = layer switch
            {
                ConvLayer c => Activate(_modules[c.Name].call(Pad(x, c.Rows, c.Columns, 0)), c),
                // Keras' Same max pool ignores the padding; -inf padding never wins a window.
                PoolLayer p => nn.functional.max_pool2d(Pad(x, p.Rows, p.Columns, double.NegativeInfinity),
                    [p.PoolHeight, p.PoolWidth], [p.StrideHeight, p.StrideWidth]),
                FlattenLayer => x.flatten(1), // nn.Flatten on NCHW: (c, h, w) order
                DropoutLayer r => masks is null ? x : x * Mask(r, masks, n),
                DenseLayer d => Activate(_modules[d.Name].call(x), d),
                _ => throw new NotSupportedException(layer.GetType().Name),
            };
        }
        return x;
    }

    /// <summary>What the generated model reports as outputs, in its order: probabilities (softmax of the logits) for a classifier.</summary>
    public Tensor Outputs(Tensor forward) => Layout.IsClassifier ? nn.functional.softmax(forward, 1) : ToModelGenOrder(forward);

    /// <summary>The mean loss: cross_entropy on the logits and int64 labels, or mse_loss on the outputs in ModelGen's order.</summary>
    public Tensor Loss(Tensor forward, ReferenceBatch batch) => Layout.IsClassifier
        ? nn.functional.cross_entropy(forward, tensor(batch.Labels.Select(l => (long)l).ToArray(), [batch.Size]))
        : nn.functional.mse_loss(ToModelGenOrder(forward), tensor(batch.Targets, [batch.Size, Layout.OutputSize]));

    /// <summary>Reads a tensor's values as a flat float array.</summary>
    public static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    // Keras' Same padding can be odd: the extra row/column goes bottom/right, which PyTorch's symmetric
    // `padding` argument cannot express, so pad explicitly and run the layer unpadded.
    private static Tensor Pad(Tensor x, AxisWindow rows, AxisWindow columns, double value) =>
        rows.PadBefore + rows.PadAfter + columns.PadBefore + columns.PadAfter == 0 ? x
            : nn.functional.pad(x, [columns.PadBefore, columns.PadAfter, rows.PadBefore, rows.PadAfter], PaddingModes.Constant, value);

    private Tensor Activate(Tensor x, TrainableLayer layer) => layer.Activation switch
    {
        Activation.Identity => x,
        Activation.ReLU => nn.functional.relu(x),
        Activation.LeakyReLU => nn.functional.leaky_relu(x, layer.Slope),
        Activation.Sigmoid => sigmoid(x),
        Activation.Tanh => tanh(x),
        Activation.Softmax when layer == Layout.Layers[^1] => x, // logits; see Outputs and Loss
        _ => throw new NotSupportedException($"Layer {layer.Name}: activation {layer.Activation} has no TorchSharp mapping here."),
    };

    // ModelGen's mask is in its order (channels-last, or (h, w, c) after a flattened image): bring it to the twin's.
    private static Tensor Mask(DropoutLayer layer, IReadOnlyDictionary<string, float[]> masks, long n)
    {
        float[] mask = masks.TryGetValue(layer.Name, out float[]? m) ? m
            : throw new ArgumentException($"No dropout mask for {layer.Name}.", nameof(masks));
        Assert.Equal(n * layer.Input.Size, mask.Length);
        SampleShape? image = layer.Input.IsImage ? layer.Input : layer.FlattenedFrom;
        if (image is null) return tensor(mask, [n, layer.Input.Size]);
        Tensor nchw = tensor(mask, [n, image.Height, image.Width, image.Channels]).permute(0, 3, 1, 2);
        return layer.Input.IsImage ? nchw : nchw.reshape(n, -1);
    }

    // The twin's output layout → ModelGen's rows.
    private Tensor ToModelGenOrder(Tensor t)
    {
        long n = t.shape[0];
        LayerLayout last = Layout.Layers[^1];
        SampleShape? image = last.Output.IsImage ? last.Output
            : last switch { FlattenLayer f when f.Input.IsImage => f.Input, DropoutLayer r => r.FlattenedFrom, _ => null };
        if (image is null) return t;
        return t.reshape(n, image.Channels, image.Height, image.Width).permute(0, 2, 3, 1).reshape(n, Layout.OutputSize);
    }

    private static nn.Module<Tensor, Tensor> Create(TrainableLayer layer) => layer switch
    {
        DenseLayer d => nn.Linear(d.Inputs, d.Units, hasBias: true, dtype: ScalarType.Float32),
        ConvLayer c => nn.Conv2d(c.Input.Channels, c.Filters, (c.KernelHeight, c.KernelWidth), stride: (c.Stride, c.Stride), bias: true, dtype: ScalarType.Float32),
        _ => throw new NotSupportedException(layer.GetType().Name),
    };

    /// <inheritdoc />
    public void Dispose() => _modules.Dispose();

    // The modules registered under the layer names, as attributes of a PyTorch nn.Module would be, so
    // state_dict() names them "Conv1.weight" and so on. (TorchSharp's ModuleDict returned an empty state_dict.)
    private sealed class TwinModules : nn.Module
    {
        private readonly Dictionary<string, nn.Module<Tensor, Tensor>> _byName = [];

        public TwinModules(IEnumerable<(string Name, nn.Module<Tensor, Tensor> Module)> modules) : base(nameof(TwinModules))
        {
            foreach ((string name, nn.Module<Tensor, Tensor> module) in modules)
            {
                _byName.Add(name, module);
                register_module(name, module);
            }
        }

        public nn.Module<Tensor, Tensor> this[string name] => _byName[name];
    }
}
