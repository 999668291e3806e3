using System.Reflection;

namespace ModelGen.ReferenceTests;

/// <summary>One dense layer as declared, and where its W and b sit in the flat parameter buffer.</summary>
public sealed record DenseLayer(string Name, int Inputs, int Units, Activation Activation, float Slope, int WeightsOffset)
{
    /// <summary>W has Inputs × Units values, [inputs, units] row-major.</summary>
    public int WeightsLength => Inputs * Units;

    /// <summary>b follows W.</summary>
    public int BiasesOffset => WeightsOffset + WeightsLength;
}

/// <summary>
/// A model's architecture read at run time from its [Model], [Input] and [Dense] attributes: the same
/// declaration the generator compiled, read independently of it, to build the TorchSharp twin and to
/// locate each layer's tensors in the generated flat buffers (layer by layer, W then b).
/// </summary>
public sealed class ModelLayout
{
    private ModelLayout(string name, int inputSize, IReadOnlyList<DenseLayer> layers, Loss loss)
    {
        Name = name;
        InputSize = inputSize;
        Layers = layers;
        Loss = loss;
    }

    /// <summary>The model class's name.</summary>
    public string Name { get; }

    /// <summary>Features per input sample.</summary>
    public int InputSize { get; }

    /// <summary>The dense layers in declaration order.</summary>
    public IReadOnlyList<DenseLayer> Layers { get; }

    /// <summary>The loss, with Loss.Auto resolved as the generator documents it (Softmax output → cross-entropy, else MSE).</summary>
    public Loss Loss { get; }

    /// <summary>Whether the model is a classifier (softmax output, sparse categorical cross-entropy on class labels).</summary>
    public bool IsClassifier => Loss == Loss.SparseCategoricalCrossEntropy;

    /// <summary>Values per output sample.</summary>
    public int OutputSize => Layers[^1].Units;

    /// <summary>Length of the flat parameter buffer.</summary>
    public int ParameterCount => Layers[^1].BiasesOffset + Layers[^1].Units;

    /// <summary>Reads the declaration of <paramref name="modelType"/>.</summary>
    public static ModelLayout Of(Type modelType)
    {
        ModelAttribute model = modelType.GetCustomAttribute<ModelAttribute>()
            ?? throw new ArgumentException($"{modelType.Name} has no [Model] attribute.", nameof(modelType));
        int inputSize = modelType.GetCustomAttributes<InputAttribute>().Single().Size;
        // Attributes come back in metadata order, which the C# compiler keeps as source order. Were that
        // ever not so, the twin's shapes would not fit the generated buffers and every test would fail.
        var layers = new List<DenseLayer>();
        int inputs = inputSize, offset = 0;
        foreach (DenseAttribute dense in modelType.GetCustomAttributes<DenseAttribute>())
        {
            var layer = new DenseLayer(dense.Name ?? "Dense" + (layers.Count + 1), inputs, dense.Units, dense.Activation, dense.Slope, offset);
            layers.Add(layer);
            inputs = layer.Units;
            offset = layer.BiasesOffset + layer.Units;
        }
        Loss loss = model.Loss != Loss.Auto ? model.Loss
            : layers[^1].Activation == Activation.Softmax ? Loss.SparseCategoricalCrossEntropy : Loss.MeanSquaredError;
        return new ModelLayout(modelType.Name, inputSize, layers, loss);
    }

    /// <inheritdoc />
    public override string ToString() =>
        Name + " " + InputSize + "-" + string.Join("-", Layers.Select(l => l.Units + " " + l.Activation + (l.Activation == Activation.LeakyReLU ? "(" + l.Slope + ")" : ""))) + ", " + Loss;
}
