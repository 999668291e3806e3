namespace ModelGen.Serialization;

/// <summary>
/// Where one named tensor lives in a model's flat parameter buffer, how it is stored there, and how it is
/// saved in files. Files follow PyTorch's state_dict layout (nn.Linear.weight [out, in], nn.Conv2d.weight
/// [out, in, kh, kw]) while the buffer keeps Keras' layouts, which the kernels want; so a tensor is saved
/// as a transposition of its stored values: the stored values seen as a row-major array of
/// <c>axes</c>, with the axes taken in the order <c>order</c>, read row-major, and given the file shape
/// <see cref="Shape"/> (which may merge neighbouring axes, as a flatten does). Most tensors are trained
/// parameters; <see cref="State(string, int, int[])"/> and <see cref="Counter(string, int)"/> describe the
/// non-trainable tensors PyTorch also keeps in a state_dict (a batch normalisation's running statistics and its
/// num_batches_tracked), which live in buffers of their own (see <see cref="Storage"/>).
/// </summary>
public sealed class TensorLayout
{
    private readonly int[] _axes;
    private readonly int[] _order;

    /// <summary>A tensor saved exactly as it is stored, e.g. biases: shape <paramref name="shape"/> in the buffer and in files.</summary>
    public TensorLayout(string name, int offset, params int[] shape)
        : this(name, offset, Copy(shape), Copy(shape), Identity(shape?.Length ?? 0), Copy(shape))
    {
    }

    private TensorLayout(string name, int offset, int[] storedShape, int[] axes, int[] order, int[] shape, TensorStorage storage = TensorStorage.Parameters)
    {
        Name = name;
        Storage = storage;
        Offset = offset;
        StoredShape = storedShape;
        _axes = axes;
        _order = order;
        Shape = shape;
        Length = storedShape.Aggregate(1, (product, dimension) => checked(product * dimension));
    }

    /// <summary>
    /// A dense layer's weights: stored [<paramref name="inputs"/>, <paramref name="units"/>] row-major (Keras'
    /// kernel), saved [units, inputs] as nn.Linear.weight.
    /// </summary>
    public static TensorLayout Linear(string name, int offset, int inputs, int units)
    {
        CheckDimensions(inputs, units);
        return new TensorLayout(name, offset, [inputs, units], [inputs, units], [1, 0], [units, inputs]);
    }

    /// <summary>
    /// The weights of a dense layer right after a Flatten of a channels-last image: stored
    /// [height·width·channels, units] with the input index in (h, w, c) order; saved [units, channels·height·width]
    /// with the input index in (c, h, w) order, which is what nn.Flatten gives on PyTorch's NCHW tensors, so
    /// that nn.Sequential(..., nn.Flatten(), nn.Linear(...)) loads the file and computes the same function.
    /// </summary>
    public static TensorLayout LinearAfterImage(string name, int offset, int height, int width, int channels, int units)
    {
        CheckDimensions(height, width, channels, units);
        int inputs = checked(height * width * channels);
        return new TensorLayout(name, offset, [inputs, units], [height, width, channels, units], [3, 2, 0, 1], [units, inputs]);
    }

    /// <summary>
    /// A 2-D convolution's weights: stored [kernelHeight, kernelWidth, inChannels, filters] (Keras' kernel),
    /// saved [filters, inChannels, kernelHeight, kernelWidth] as nn.Conv2d.weight.
    /// </summary>
    public static TensorLayout Conv2D(string name, int offset, int kernelHeight, int kernelWidth, int inChannels, int filters)
    {
        CheckDimensions(kernelHeight, kernelWidth, inChannels, filters);
        int[] stored = [kernelHeight, kernelWidth, inChannels, filters];
        return new TensorLayout(name, offset, stored, stored, [3, 2, 0, 1], [filters, inChannels, kernelHeight, kernelWidth]);
    }

    /// <summary>
    /// A depthwise convolution's weights: stored [kernelHeight, kernelWidth, channels, depthMultiplier] (Keras'
    /// depthwise kernel), saved [channels·depthMultiplier, 1, kernelHeight, kernelWidth] as the weight of PyTorch's
    /// nn.Conv2d(channels, channels·depthMultiplier, groups = channels): output channel c·M + m is kernel (c, m).
    /// </summary>
    public static TensorLayout DepthwiseConv2D(string name, int offset, int kernelHeight, int kernelWidth, int channels, int depthMultiplier)
    {
        CheckDimensions(kernelHeight, kernelWidth, channels, depthMultiplier);
        int[] stored = [kernelHeight, kernelWidth, channels, depthMultiplier];
        return new TensorLayout(name, offset, stored, stored, [2, 3, 0, 1], [checked(channels * depthMultiplier), 1, kernelHeight, kernelWidth]);
    }

    /// <summary>
    /// Non-trainable float32 state, e.g. a batch normalisation's running mean: shape <paramref name="shape"/> in the
    /// state buffer and in files (saved as stored), at element <paramref name="offset"/> of the state buffer.
    /// </summary>
    public static TensorLayout State(string name, int offset, params int[] shape)
    {
        int[] copy = Copy(shape);
        return new TensorLayout(name, offset, copy, copy, Identity(copy.Length), copy, TensorStorage.State);
    }

    /// <summary>
    /// An int64 counter, e.g. a batch normalisation's num_batches_tracked: one element at
    /// <paramref name="offset"/> of the counter buffer, saved as a scalar (dtype I64, shape []), as PyTorch saves it.
    /// </summary>
    public static TensorLayout Counter(string name, int offset) =>
        new(name, offset, [], [], [], [], TensorStorage.Counters);

    /// <summary>Which of the model's buffers holds the tensor, which also decides its dtype in files (I64 for counters, F32 otherwise).</summary>
    public TensorStorage Storage { get; }

    /// <summary>The safetensors dtype of the tensor in files: "I64" for a counter, "F32" otherwise.</summary>
    internal string DType => Storage == TensorStorage.Counters ? "I64" : "F32";

    /// <summary>Bytes per element in files: 8 for a counter, 4 otherwise.</summary>
    internal int ElementSize => Storage == TensorStorage.Counters ? 8 : 4;

    /// <summary>The tensor's name in saved files, e.g. "Hidden.weight".</summary>
    public string Name { get; }

    /// <summary>The index of its first element in the parameter buffer.</summary>
    public int Offset { get; }

    /// <summary>Its dimensions in saved files, outermost first: PyTorch's, e.g. [units, inputs] for a dense layer's weights.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Its dimensions in the parameter buffer, row-major, e.g. [inputs, units] for a dense layer's weights.</summary>
    public IReadOnlyList<int> StoredShape { get; }

    /// <summary>The number of elements: the product of the dimensions.</summary>
    public int Length { get; }

    /// <summary>Whether the saved values are the stored values in the same order (only the shape may differ).</summary>
    public bool SavedAsStored => _order.Select((axis, position) => axis == position).All(same => same);

    /// <summary>Writes the stored values <paramref name="stored"/> [<see cref="StoredShape"/>] in saved order to <paramref name="saved"/> [<see cref="Shape"/>].</summary>
    public void ToSaved(ReadOnlySpan<float> stored, Span<float> saved)
    {
        CheckLengths(stored.Length, saved.Length);
        int[] savedOffsets = SavedStrides();
        // Walk the stored values in order and send each to its saved position.
        var index = new int[_axes.Length];
        int target = 0;
        for (int i = 0; i < Length; i++)
        {
            saved[target] = stored[i];
            target = Advance(index, savedOffsets, target);
        }
    }

    /// <summary>Reads saved values <paramref name="saved"/> [<see cref="Shape"/>] into stored order in <paramref name="stored"/> [<see cref="StoredShape"/>].</summary>
    public void FromSaved(ReadOnlySpan<float> saved, Span<float> stored)
    {
        CheckLengths(stored.Length, saved.Length);
        int[] savedOffsets = SavedStrides();
        var index = new int[_axes.Length];
        int source = 0;
        for (int i = 0; i < Length; i++)
        {
            stored[i] = saved[source];
            source = Advance(index, savedOffsets, source);
        }
    }

    // For each stored axis, how far one step along it moves in the saved (row-major, permuted) array.
    private int[] SavedStrides()
    {
        var strides = new int[_axes.Length];
        int stride = 1;
        for (int k = _order.Length - 1; k >= 0; k--)
        {
            strides[_order[k]] = stride;
            stride *= _axes[_order[k]];
        }
        return strides;
    }

    // Moves the odometer `index` over the stored axes one step (last axis fastest); returns the new saved position.
    private int Advance(int[] index, int[] savedStrides, int position)
    {
        for (int axis = index.Length - 1; axis >= 0; axis--)
        {
            position += savedStrides[axis];
            if (++index[axis] < _axes[axis]) return position;
            position -= savedStrides[axis] * _axes[axis];
            index[axis] = 0;
        }
        return position;
    }

    private void CheckLengths(int stored, int saved)
    {
        if (stored < Length || saved < Length)
            throw new ArgumentException($"Tensor '{Name}' has {Length} values; the spans hold {stored} (stored) and {saved} (saved).");
    }

    // The caller keeps its array, so a later change to it cannot change this layout.
    private static int[] Copy(int[]? shape) => (shape ?? throw new ArgumentNullException(nameof(shape))).ToArray();

    private static int[] Identity(int count) => Enumerable.Range(0, count).ToArray();

    private static void CheckDimensions(params int[] dimensions)
    {
        foreach (int dimension in dimensions) ArgumentOutOfRangeException.ThrowIfNegative(dimension);
    }
}

/// <summary>Which buffer of a model a saved tensor lives in.</summary>
public enum TensorStorage
{
    /// <summary>The trained float32 parameters (weights, biases, a batch normalisation's γ and β).</summary>
    Parameters,

    /// <summary>Non-trainable float32 state, saved and loaded but never trained (a batch normalisation's running mean and variance).</summary>
    State,

    /// <summary>Non-trainable int64 counters (a batch normalisation's num_batches_tracked).</summary>
    Counters,
}
