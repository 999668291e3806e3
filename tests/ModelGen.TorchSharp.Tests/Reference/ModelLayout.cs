using System.Reflection;

namespace ModelGen.ReferenceTests;

/// <summary>
/// A model's architecture read at run time from its [Model], [Input] and layer attributes: the same
/// declaration the generator compiled, resolved here independently of it (shapes by Keras' Valid/Same
/// rules, default names by per-kind counters), to build the TorchSharp twin and to locate each
/// trainable layer's tensors in the generated flat buffers (layer by layer, W then b).
/// </summary>
public sealed class ModelLayout
{
    private ModelLayout(string name, SampleShape input, IReadOnlyList<LayerLayout> layers, Loss loss)
    {
        Name = name;
        Input = input;
        Layers = layers;
        TrainableLayers = layers.OfType<TrainableLayer>().ToArray();
        Loss = loss;
    }

    /// <summary>The model class's name.</summary>
    public string Name { get; }

    /// <summary>The shape of one input sample.</summary>
    public SampleShape Input { get; }

    /// <summary>Features per input sample.</summary>
    public int InputSize => Input.Size;

    /// <summary>Every layer in declaration order.</summary>
    public IReadOnlyList<LayerLayout> Layers { get; }

    /// <summary>The layers with parameters, in declaration order (their order in the flat buffer).</summary>
    public IReadOnlyList<TrainableLayer> TrainableLayers { get; }

    /// <summary>The loss, with Loss.Auto resolved as the generator documents it (Softmax output → cross-entropy, else MSE).</summary>
    public Loss Loss { get; }

    /// <summary>Whether the model is a classifier (softmax output, sparse categorical cross-entropy on class labels).</summary>
    public bool IsClassifier => Loss == Loss.SparseCategoricalCrossEntropy;

    /// <summary>The shape of one output sample.</summary>
    public SampleShape Output => Layers[^1].Output;

    /// <summary>Values per output sample.</summary>
    public int OutputSize => Output.Size;

    /// <summary>Length of the flat parameter buffer.</summary>
    public int ParameterCount => TrainableLayers[^1].End;

    /// <summary>Reads the declaration of <paramref name="modelType"/>.</summary>
    public static ModelLayout Of(Type modelType)
    {
        ModelAttribute model = modelType.GetCustomAttribute<ModelAttribute>()
            ?? throw new ArgumentException($"{modelType.Name} has no [Model] attribute.", nameof(modelType));
        InputAttribute input = modelType.GetCustomAttributes<InputAttribute>().Single();
        SampleShape inputShape = input.IsImage ? SampleShape.Image(input.Height, input.Width, input.Channels) : SampleShape.Flat(input.Size);
        SampleShape shape = inputShape;
        // Attributes come back in metadata order, which the C# compiler keeps as source order. Were that
        // ever not so, the twin's shapes would not fit the generated buffers and every test would fail.
        var layers = new List<LayerLayout>();
        var perKind = new Dictionary<string, int>();
        SampleShape? flattenedFrom = null;
        int offset = 0;
        foreach (LayerAttribute attribute in modelType.GetCustomAttributes<LayerAttribute>())
        {
            string prefix = attribute switch
            {
                DenseAttribute => "Dense", Conv2DAttribute => "Conv", MaxPool2DAttribute => "Pool",
                FlattenAttribute => "Flatten", DropoutAttribute => "Dropout",
                _ => throw new NotSupportedException($"{modelType.Name}: layer {attribute.GetType().Name} has no twin."),
            };
            // The generator counts every layer of a kind, named or not: Conv1, Stem, Conv3.
            perKind[prefix] = perKind.GetValueOrDefault(prefix) + 1;
            string name = attribute.Name ?? prefix + perKind[prefix];
            LayerLayout layer = Resolve(attribute, name, shape, offset, flattenedFrom);
            layers.Add(layer);
            if (layer is TrainableLayer trainable) offset = trainable.End;
            flattenedFrom = layer switch
            {
                FlattenLayer f when f.Input.IsImage => f.Input,
                DropoutLayer => flattenedFrom, // element-wise: the values keep their order
                _ => null,
            };
            shape = layer.Output;
        }
        Loss loss = model.Loss != Loss.Auto ? model.Loss
            : layers[^1] is DenseLayer { Activation: Activation.Softmax } ? Loss.SparseCategoricalCrossEntropy : Loss.MeanSquaredError;
        return new ModelLayout(modelType.Name, inputShape, layers, loss);
    }

    private static LayerLayout Resolve(LayerAttribute attribute, string name, SampleShape x, int offset, SampleShape? flattenedFrom)
    {
        switch (attribute)
        {
            case DenseAttribute d:
                if (x.IsImage) throw new ArgumentException($"{name}: Dense on an image needs a Flatten first.");
                return new DenseLayer(name, x, SampleShape.Flat(d.Units), d.Activation, d.Slope, offset, flattenedFrom);
            case Conv2DAttribute c:
            {
                AxisWindow rows = AxisWindow.Resolve(x.Height, c.KernelHeight, c.Stride, c.Padding);
                AxisWindow columns = AxisWindow.Resolve(x.Width, c.KernelWidth, c.Stride, c.Padding);
                return new ConvLayer(name, x, SampleShape.Image(rows.Output, columns.Output, c.Filters), c.Activation, c.Slope, offset,
                    c.KernelHeight, c.KernelWidth, c.Stride, rows, columns);
            }
            case MaxPool2DAttribute p:
            {
                AxisWindow rows = AxisWindow.Resolve(x.Height, p.PoolHeight, p.StrideHeight, p.Padding);
                AxisWindow columns = AxisWindow.Resolve(x.Width, p.PoolWidth, p.StrideWidth, p.Padding);
                return new PoolLayer(name, x, SampleShape.Image(rows.Output, columns.Output, x.Channels),
                    p.PoolHeight, p.PoolWidth, p.StrideHeight, p.StrideWidth, rows, columns);
            }
            case FlattenAttribute:
                return new FlattenLayer(name, x, SampleShape.Flat(x.Size));
            case DropoutAttribute r:
                return new DropoutLayer(name, x, x, r.Rate, flattenedFrom);
            default:
                throw new NotSupportedException(attribute.GetType().Name);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name + " " + Input + " " + string.Join(" ", Layers.Select(Describe)) + ", " + Loss;

    private static string Describe(LayerLayout layer) => layer switch
    {
        DenseLayer d => $"-> {d.Name} {d.Units} {Act(d)}",
        ConvLayer c => $"-> {c.Name} conv {c.KernelHeight}x{c.KernelWidth}/{c.Stride} pad {c.Rows.PadBefore},{c.Rows.PadAfter}|{c.Columns.PadBefore},{c.Columns.PadAfter} {Act(c)} {c.Output}",
        PoolLayer p => $"-> {p.Name} pool {p.PoolHeight}x{p.PoolWidth}/{p.StrideHeight}x{p.StrideWidth} pad {p.Rows.PadBefore},{p.Rows.PadAfter}|{p.Columns.PadBefore},{p.Columns.PadAfter} {p.Output}",
        FlattenLayer f => $"-> {f.Name} {f.Output}",
        DropoutLayer r => $"-> {r.Name} dropout {r.Rate}",
        _ => layer.Name,
    };

    private static string Act(TrainableLayer l) => l.Activation + (l.Activation == Activation.LeakyReLU ? "(" + l.Slope + ")" : "");
}
