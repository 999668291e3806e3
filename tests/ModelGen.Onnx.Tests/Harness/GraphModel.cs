namespace ModelGen.Onnx.Tests.Harness;

/// <summary>
/// A graph network given as a LayerInfo list (layers name the layers they read through <see cref="LayerInfo.Inputs"/>),
/// with random parameters and state, and a naive reference forward pass in inference mode: plain loops over
/// channels-last images, written from the layers' definitions and sharing no code with the runtime's kernels or
/// the exporter. The expected outputs for exports of graphs before generated models build them.
/// </summary>
public sealed class GraphModel
{
    private readonly List<LayerInfo> _layers = [];
    private int _parameterCount, _stateCount;

    /// <param name="input">One sample's input.</param>
    /// <param name="inputName">The name layers use to read the network input (no layer has it).</param>
    public GraphModel(TensorShape input, string inputName = "image")
    {
        Input = input;
        InputName = inputName;
    }

    public TensorShape Input { get; }

    public string InputName { get; }

    public IReadOnlyList<LayerInfo> Layers => _layers;

    public float[] Parameters { get; private set; } = [];

    public float[] State { get; private set; } = [];

    public TensorShape Output => _layers[^1].Output;

    // The shape a layer reading `from` sees: the last layer's output when null, else the named layer's or the network input's.
    private TensorShape ShapeOf(string? from) =>
        from is null ? (_layers.Count == 0 ? Input : _layers[^1].Output)
        : _layers.FirstOrDefault(layer => layer.Name == from)?.Output ?? Input;

    private GraphModel Append(LayerInfo layer, params string?[] from)
    {
        _layers.Add(from.Length == 1 && from[0] is null ? layer : layer with { Inputs = from.Select(name => name!).ToArray() });
        return this;
    }

    public GraphModel Conv2D(string name, int filters, int kernel, int stride, Padding padding, Activation activation = ModelGen.Activation.Identity, float slope = 0f, string? from = null)
    {
        TensorShape x = ShapeOf(from);
        ConvGeometry g = ConvGeometry.Create(x.Height, x.Width, x.Channels, kernel, kernel, stride, stride, padding);
        int weights = Reserve(g.PatchSize * filters), biases = Reserve(filters);
        return Append(new Conv2DLayerInfo(name, x, TensorShape.Image(g.OutputHeight, g.OutputWidth, filters), g, activation, slope, weights, biases), from);
    }

    public GraphModel DepthwiseConv2D(string name, int kernelHeight, int kernelWidth, int stride, Padding padding, int multiplier = 1,
        Activation activation = ModelGen.Activation.Identity, float slope = 0f, string? from = null)
    {
        TensorShape x = ShapeOf(from);
        ConvGeometry g = ConvGeometry.Create(x.Height, x.Width, x.Channels, kernelHeight, kernelWidth, stride, stride, padding);
        int weights = Reserve(kernelHeight * kernelWidth * x.Channels * multiplier), biases = Reserve(x.Channels * multiplier);
        return Append(new DepthwiseConv2DLayerInfo(name, x, TensorShape.Image(g.OutputHeight, g.OutputWidth, x.Channels * multiplier), g, multiplier,
            activation, slope, weights, biases), from);
    }

    public GraphModel BatchNormalization(string name, float epsilon = 1e-3f, string? from = null)
    {
        TensorShape x = ShapeOf(from);
        int c = x.IsImage ? x.Channels : x.Size;
        int gamma = Reserve(c), beta = Reserve(c);
        int mean = _stateCount, variance = _stateCount + c;
        _stateCount += 2 * c;
        return Append(new BatchNormalizationLayerInfo(name, x, x, 0.9f, epsilon, gamma, beta, mean, variance), from);
    }

    public GraphModel Activation(string name, Activation activation, float slope = 0f, string? from = null)
    {
        TensorShape x = ShapeOf(from);
        return Append(new ActivationLayerInfo(name, x, x, activation, slope), from);
    }

    public GraphModel Add(string name, params string[] from) =>
        Append(new AddLayerInfo(name, ShapeOf(from[0]), ShapeOf(from[0])), from);

    public GraphModel Concatenate(string name, params string[] from)
    {
        TensorShape first = ShapeOf(from[0]);
        TensorShape output = first.IsImage
            ? TensorShape.Image(first.Height, first.Width, from.Sum(f => ShapeOf(f).Channels))
            : TensorShape.Flat(from.Sum(f => ShapeOf(f).Size));
        return Append(new ConcatenateLayerInfo(name, first, output), from);
    }

    public GraphModel AveragePooling2D(string name, int windowHeight, int windowWidth, int stride, Padding padding, bool countIncludePad, string? from = null)
    {
        TensorShape x = ShapeOf(from);
        ConvGeometry g = ConvGeometry.Create(x.Height, x.Width, x.Channels, windowHeight, windowWidth, stride, stride, padding);
        return Append(new AveragePooling2DLayerInfo(name, x, TensorShape.Image(g.OutputHeight, g.OutputWidth, x.Channels), g, countIncludePad), from);
    }

    public GraphModel MaxPool2D(string name, int window, int stride, Padding padding, string? from = null)
    {
        TensorShape x = ShapeOf(from);
        ConvGeometry g = ConvGeometry.Create(x.Height, x.Width, x.Channels, window, window, stride, stride, padding);
        return Append(new MaxPool2DLayerInfo(name, x, TensorShape.Image(g.OutputHeight, g.OutputWidth, x.Channels), g), from);
    }

    public GraphModel GlobalAveragePooling2D(string name, string? from = null)
    {
        TensorShape x = ShapeOf(from);
        return Append(new GlobalAveragePooling2DLayerInfo(name, x, TensorShape.Flat(x.Channels)), from);
    }

    public GraphModel Flatten(string name, string? from = null)
    {
        TensorShape x = ShapeOf(from);
        return Append(new FlattenLayerInfo(name, x, TensorShape.Flat(x.Size)), from);
    }

    public GraphModel Dropout(string name, string? from = null)
    {
        TensorShape x = ShapeOf(from);
        return Append(new DropoutLayerInfo(name, x, x, 0.5f), from);
    }

    public GraphModel Dense(string name, int units, Activation activation = ModelGen.Activation.Identity, float slope = 0f, string? from = null)
    {
        TensorShape x = ShapeOf(from);
        int weights = Reserve(x.Size * units), biases = Reserve(units);
        return Append(new DenseLayerInfo(name, x, TensorShape.Flat(units), activation, slope, weights, biases), from);
    }

    /// <summary>
    /// Random parameters and state: weights U(-a, a) with a = sqrt(3 / fan-in), biases and β U(-0.5, 0.5), γ U(0.5, 1.5),
    /// running means U(-0.5, 0.5) and running variances U(0.25, 2.25), so each shows if misplaced.
    /// </summary>
    public GraphModel Randomize(ulong seed)
    {
        Parameters = new float[_parameterCount];
        State = new float[_stateCount];
        var random = new Xoshiro256StarStar(seed);
        float Uniform(float low, float high) => low + (high - low) * random.NextSingle();
        void Fill(float[] buffer, int offset, int count, float low, float high)
        {
            for (int i = 0; i < count; i++) buffer[offset + i] = Uniform(low, high);
        }
        foreach (LayerInfo layer in _layers)
        {
            switch (layer)
            {
                case DenseLayerInfo d:
                    float a = MathF.Sqrt(3f / d.InputSize);
                    Fill(Parameters, d.WeightsOffset, d.InputSize * d.Units, -a, a);
                    Fill(Parameters, d.BiasesOffset, d.Units, -0.5f, 0.5f);
                    break;
                case Conv2DLayerInfo c:
                    a = MathF.Sqrt(3f / c.Geometry.PatchSize);
                    Fill(Parameters, c.WeightsOffset, c.Geometry.PatchSize * c.Filters, -a, a);
                    Fill(Parameters, c.BiasesOffset, c.Filters, -0.5f, 0.5f);
                    break;
                case DepthwiseConv2DLayerInfo w:
                    a = MathF.Sqrt(3f / (w.Geometry.WindowHeight * w.Geometry.WindowWidth));
                    Fill(Parameters, w.WeightsOffset, w.Geometry.WindowHeight * w.Geometry.WindowWidth * w.Filters, -a, a);
                    Fill(Parameters, w.BiasesOffset, w.Filters, -0.5f, 0.5f);
                    break;
                case BatchNormalizationLayerInfo n:
                    Fill(Parameters, n.WeightsOffset, n.Channels, 0.5f, 1.5f);
                    Fill(Parameters, n.BiasesOffset, n.Channels, -0.5f, 0.5f);
                    Fill(State, n.RunningMeanOffset, n.Channels, -0.5f, 0.5f);
                    Fill(State, n.RunningVarianceOffset, n.Channels, 0.25f, 2.25f);
                    break;
            }
        }
        return this;
    }

    /// <summary>The outputs [rows, output size] (channels-last for an image) for <paramref name="inputs"/> [rows, H, W, C] or [rows, n].</summary>
    public float[] Predict(float[] inputs, int rows)
    {
        var outputs = new Dictionary<string, float[]>(StringComparer.Ordinal);
        float[] previous = inputs;
        foreach (LayerInfo layer in _layers)
        {
            float[][] x = layer.Inputs.Count == 0 ? [previous] : layer.Inputs.Select(name => outputs.GetValueOrDefault(name) ?? inputs).ToArray();
            TensorShape[] shapes = layer.Inputs.Count == 0 ? [layer.Input] : layer.Inputs.Select(name => ShapeOf(name)).ToArray();
            var y = new float[rows * layer.Output.Size];
            for (int r = 0; r < rows; r++)
            {
                float[][] sample = x.Select((values, k) => values.AsSpan(r * shapes[k].Size, shapes[k].Size).ToArray()).ToArray();
                Forward(layer, sample, shapes).CopyTo(y, r * layer.Output.Size);
            }
            outputs[layer.Name] = y;
            previous = y;
        }
        return previous;
    }

    // One sample through one layer, in double precision.
    private float[] Forward(LayerInfo layer, float[][] x, TensorShape[] shapes)
    {
        float[] p = Parameters, s = State;
        TensorShape o = layer.Output;
        var y = new float[o.Size];
        switch (layer)
        {
            case Conv2DLayerInfo c:
            {
                ConvGeometry g = c.Geometry;
                for (int i = 0; i < g.OutputHeight; i++)
                    for (int j = 0; j < g.OutputWidth; j++)
                        for (int f = 0; f < c.Filters; f++)
                        {
                            double sum = p[c.BiasesOffset + f];
                            for (int dy = 0; dy < g.WindowHeight; dy++)
                                for (int dx = 0; dx < g.WindowWidth; dx++)
                                {
                                    int row = i * g.StrideHeight + dy - g.PadTop, column = j * g.StrideWidth + dx - g.PadLeft;
                                    if (row < 0 || row >= g.InputHeight || column < 0 || column >= g.InputWidth) continue;
                                    for (int ch = 0; ch < g.Channels; ch++)
                                        sum += (double)x[0][(row * g.InputWidth + column) * g.Channels + ch] * p[c.WeightsOffset + ((dy * g.WindowWidth + dx) * g.Channels + ch) * c.Filters + f];
                                }
                            y[(i * g.OutputWidth + j) * c.Filters + f] = (float)sum;
                        }
                return Activate(y, c.Activation, c.Slope);
            }
            case DepthwiseConv2DLayerInfo w:
            {
                ConvGeometry g = w.Geometry;
                int m = w.DepthMultiplier;
                for (int i = 0; i < g.OutputHeight; i++)
                    for (int j = 0; j < g.OutputWidth; j++)
                        for (int ch = 0; ch < g.Channels; ch++)
                            for (int k = 0; k < m; k++)
                            {
                                double sum = p[w.BiasesOffset + ch * m + k];
                                for (int dy = 0; dy < g.WindowHeight; dy++)
                                    for (int dx = 0; dx < g.WindowWidth; dx++)
                                    {
                                        int row = i * g.StrideHeight + dy - g.PadTop, column = j * g.StrideWidth + dx - g.PadLeft;
                                        if (row < 0 || row >= g.InputHeight || column < 0 || column >= g.InputWidth) continue;
                                        sum += (double)x[0][(row * g.InputWidth + column) * g.Channels + ch] * p[w.WeightsOffset + ((dy * g.WindowWidth + dx) * g.Channels + ch) * m + k];
                                    }
                                y[(i * g.OutputWidth + j) * w.Filters + ch * m + k] = (float)sum;
                            }
                return Activate(y, w.Activation, w.Slope);
            }
            case MaxPool2DLayerInfo or AveragePooling2DLayerInfo:
            {
                (ConvGeometry g, bool average, bool includePad) = layer is AveragePooling2DLayerInfo a ? (a.Geometry, true, a.CountIncludePad) : (((MaxPool2DLayerInfo)layer).Geometry, false, false);
                for (int i = 0; i < g.OutputHeight; i++)
                    for (int j = 0; j < g.OutputWidth; j++)
                        for (int ch = 0; ch < g.Channels; ch++)
                        {
                            double sum = 0, max = double.NegativeInfinity;
                            int inside = 0;
                            for (int dy = 0; dy < g.WindowHeight; dy++)
                                for (int dx = 0; dx < g.WindowWidth; dx++)
                                {
                                    int row = i * g.StrideHeight + dy - g.PadTop, column = j * g.StrideWidth + dx - g.PadLeft;
                                    if (row < 0 || row >= g.InputHeight || column < 0 || column >= g.InputWidth) continue;
                                    float v = x[0][(row * g.InputWidth + column) * g.Channels + ch];
                                    sum += v;
                                    max = Math.Max(max, v);
                                    inside++;
                                }
                            y[(i * g.OutputWidth + j) * g.Channels + ch] = (float)(!average ? max : sum / (includePad ? g.WindowHeight * g.WindowWidth : inside));
                        }
                return y;
            }
            case GlobalAveragePooling2DLayerInfo:
            {
                TensorShape i = layer.Input;
                for (int ch = 0; ch < i.Channels; ch++)
                {
                    double sum = 0;
                    for (int pixel = 0; pixel < i.Height * i.Width; pixel++) sum += x[0][pixel * i.Channels + ch];
                    y[ch] = (float)(sum / (i.Height * i.Width));
                }
                return y;
            }
            case BatchNormalizationLayerInfo n:
                for (int k = 0; k < y.Length; k++)
                {
                    int ch = k % n.Channels; // channels-last: the channel is the fastest index; flat: the feature itself
                    double normalized = (x[0][k] - (double)s[n.RunningMeanOffset + ch]) / Math.Sqrt(s[n.RunningVarianceOffset + ch] + (double)n.Epsilon);
                    y[k] = (float)(p[n.WeightsOffset + ch] * normalized + p[n.BiasesOffset + ch]);
                }
                return y;
            case ActivationLayerInfo act:
                return Activate(x[0].ToArray(), act.Activation, act.Slope);
            case AddLayerInfo:
                for (int k = 0; k < y.Length; k++) y[k] = (float)x.Sum(input => (double)input[k]);
                return y;
            case ConcatenateLayerInfo when o.IsImage:
            {
                int at = 0;
                for (int pixel = 0; pixel < o.Height * o.Width; pixel++)
                    for (int k = 0; k < x.Length; k++)
                        for (int ch = 0; ch < shapes[k].Channels; ch++) y[at++] = x[k][pixel * shapes[k].Channels + ch];
                return y;
            }
            case ConcatenateLayerInfo:
                return x.SelectMany(input => input).ToArray();
            case DenseLayerInfo d:
                for (int u = 0; u < d.Units; u++)
                {
                    double sum = p[d.BiasesOffset + u];
                    for (int i = 0; i < d.InputSize; i++) sum += (double)x[0][i] * p[d.WeightsOffset + i * d.Units + u];
                    y[u] = (float)sum;
                }
                return Activate(y, d.Activation, d.Slope);
            case FlattenLayerInfo or DropoutLayerInfo:
                return x[0].ToArray();
            default:
                throw new NotSupportedException(layer.GetType().Name);
        }
    }

    private static float[] Activate(float[] z, Activation activation, float slope)
    {
        if (activation == ModelGen.Activation.Softmax)
        {
            double max = z.Max(), total = z.Sum(v => Math.Exp(v - max));
            return z.Select(v => (float)(Math.Exp(v - max) / total)).ToArray();
        }
        return z.Select(v => activation switch
        {
            ModelGen.Activation.ReLU => MathF.Max(v, 0f),
            ModelGen.Activation.ReLU6 => MathF.Min(MathF.Max(v, 0f), 6f),
            ModelGen.Activation.LeakyReLU => v > 0 ? v : slope * v,
            ModelGen.Activation.Sigmoid => (float)(1 / (1 + Math.Exp(-v))),
            ModelGen.Activation.Tanh => (float)Math.Tanh(v),
            _ => v,
        }).ToArray();
    }

    private int Reserve(int count)
    {
        int offset = _parameterCount;
        _parameterCount += count;
        return offset;
    }
}
