namespace ModelGen.Onnx.Tests.Harness;

/// <summary>
/// A network given as a LayerInfo list with random parameters, built the way a generated model lists its
/// layers, and run by the runtime's own kernels (im2col + affine for convolutions, MaxPool, the activations):
/// the expected outputs for exports of layer kinds before generated models use them.
/// </summary>
public sealed class LayerListModel
{
    private readonly List<LayerInfo> _layers = [];
    private int _parameterCount;

    public LayerListModel(TensorShape input) => Input = input;

    public TensorShape Input { get; }

    public IReadOnlyList<LayerInfo> Layers => _layers;

    public float[] Parameters { get; private set; } = [];

    private TensorShape Last => _layers.Count == 0 ? Input : _layers[^1].Output;

    public LayerListModel Conv2D(string name, int filters, int kernelHeight, int kernelWidth, int stride, Padding padding, Activation activation, float slope = 0f)
    {
        TensorShape x = Last;
        ConvGeometry g = ConvGeometry.Create(x.Height, x.Width, x.Channels, kernelHeight, kernelWidth, stride, stride, padding);
        int weights = Reserve(g.PatchSize * filters), biases = Reserve(filters);
        _layers.Add(new Conv2DLayerInfo(name, x, TensorShape.Image(g.OutputHeight, g.OutputWidth, filters), g, activation, slope, weights, biases));
        return this;
    }

    public LayerListModel MaxPool2D(string name, int windowHeight, int windowWidth, int stride, Padding padding)
    {
        TensorShape x = Last;
        ConvGeometry g = ConvGeometry.Create(x.Height, x.Width, x.Channels, windowHeight, windowWidth, stride, stride, padding);
        _layers.Add(new MaxPool2DLayerInfo(name, x, TensorShape.Image(g.OutputHeight, g.OutputWidth, x.Channels), g));
        return this;
    }

    public LayerListModel Flatten(string name)
    {
        _layers.Add(new FlattenLayerInfo(name, Last, TensorShape.Flat(Last.Size)));
        return this;
    }

    public LayerListModel Dropout(string name, float rate)
    {
        _layers.Add(new DropoutLayerInfo(name, Last, Last, rate));
        return this;
    }

    public LayerListModel Dense(string name, int units, Activation activation, float slope = 0f)
    {
        int weights = Reserve(Last.Size * units), biases = Reserve(units);
        _layers.Add(new DenseLayerInfo(name, Last, TensorShape.Flat(units), activation, slope, weights, biases));
        return this;
    }

    /// <summary>
    /// Random parameters: weights U(-a, a) with a = sqrt(3 / fan-in), so activations stay near unit scale, and
    /// biases U(-0.5, 0.5), so a dropped or misplaced bias shows.
    /// </summary>
    public LayerListModel Randomize(ulong seed)
    {
        Parameters = new float[_parameterCount];
        var random = new Xoshiro256StarStar(seed);
        foreach (LayerInfo layer in _layers)
        {
            (int weights, int fanIn, int count, int biases, int units) = layer switch
            {
                DenseLayerInfo d => (d.WeightsOffset, d.InputSize, d.InputSize * d.Units, d.BiasesOffset, d.Units),
                Conv2DLayerInfo c => (c.WeightsOffset, c.Geometry.PatchSize, c.Geometry.PatchSize * c.Filters, c.BiasesOffset, c.Filters),
                _ => (0, 1, 0, 0, 0),
            };
            float limit = MathF.Sqrt(3f / fanIn);
            for (int i = 0; i < count; i++) Parameters[weights + i] = (2f * random.NextSingle() - 1f) * limit;
            for (int i = 0; i < units; i++) Parameters[biases + i] = random.NextSingle() - 0.5f;
        }
        return this;
    }

    /// <summary>The outputs [rows, output size] (channels-last for an image) for <paramref name="inputs"/> [rows, H, W, C].</summary>
    public float[] Predict(float[] inputs, int rows)
    {
        float[] x = inputs;
        foreach (LayerInfo layer in _layers)
        {
            var y = new float[rows * layer.Output.Size];
            switch (layer)
            {
                case Conv2DLayerInfo c:
                    ConvGeometry g = c.Geometry;
                    var patches = new float[rows * g.OutputPixels * g.PatchSize];
                    Convolution.Im2Col(x, patches, rows, g);
                    Kernels.Affine(patches, Parameters.AsSpan(c.WeightsOffset, g.PatchSize * c.Filters), Parameters.AsSpan(c.BiasesOffset, c.Filters),
                        y, rows * g.OutputPixels, g.PatchSize, c.Filters);
                    y = Activate(y, c.Activation, c.Slope, rows * g.OutputPixels, c.Filters);
                    break;
                case MaxPool2DLayerInfo p:
                    Pooling.MaxPool(x, y, new int[y.Length], rows, p.Geometry);
                    break;
                case DenseLayerInfo d:
                    Kernels.Affine(x, Parameters.AsSpan(d.WeightsOffset, d.InputSize * d.Units), Parameters.AsSpan(d.BiasesOffset, d.Units), y, rows, d.InputSize, d.Units);
                    y = Activate(y, d.Activation, d.Slope, rows, d.Units);
                    break;
                default: // Flatten and Dropout (in inference) pass the values through
                    x.CopyTo(y, 0);
                    break;
            }
            x = y;
        }
        return x;
    }

    private static float[] Activate(float[] z, Activation activation, float slope, int rows, int units)
    {
        switch (activation)
        {
            case Activation.ReLU: Activations.ReLU(z); break;
            case Activation.LeakyReLU: Activations.LeakyReLU(z, slope); break;
            case Activation.Sigmoid: Activations.Sigmoid(z); break;
            case Activation.Tanh: Activations.Tanh(z); break;
            case Activation.Softmax:
                var p = new float[z.Length];
                Activations.Softmax(z, p, rows, units);
                return p;
        }
        return z;
    }

    private int Reserve(int count)
    {
        int offset = _parameterCount;
        _parameterCount += count;
        return offset;
    }
}
