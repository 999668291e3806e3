namespace ModelGen.ReferenceTests;

/// <summary>
/// One batch, fed identically to the generated model and its TorchSharp twin: inputs [Size, InputSize]
/// row-major, and either class labels [Size] (classifiers) or targets [Size, OutputSize] (regression).
/// </summary>
public sealed class ReferenceBatch
{
    /// <summary>The largest batch the tests use; each test model's workspace has this capacity.</summary>
    public const int MaxSize = 32;

    private readonly int[]? _labels;
    private readonly float[]? _targets;

    /// <summary>Creates a batch from its data; exactly one of <paramref name="labels"/> and <paramref name="targets"/> is given.</summary>
    public ReferenceBatch(int size, float[] inputs, int[]? labels, float[]? targets)
    {
        if ((labels is null) == (targets is null)) throw new ArgumentException("A batch has either labels or targets.");
        Size = size;
        Inputs = inputs;
        _labels = labels;
        _targets = targets;
    }

    /// <summary>Samples in the batch.</summary>
    public int Size { get; }

    /// <summary>The inputs, [Size, InputSize] row-major.</summary>
    public float[] Inputs { get; }

    /// <summary>Whether the batch has class labels (else regression targets).</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>The class labels, [Size].</summary>
    public int[] Labels => _labels ?? throw new InvalidOperationException("This batch has regression targets, not labels.");

    /// <summary>The regression targets, [Size, OutputSize] row-major.</summary>
    public float[] Targets => _targets ?? throw new InvalidOperationException("This batch has class labels, not targets.");

    /// <summary>
    /// A batch of <paramref name="size"/> random samples for <paramref name="layout"/> from ModelGen's own
    /// xoshiro256** generator: inputs and targets uniform in [-1, 1), labels uniform over the classes.
    /// </summary>
    public static ReferenceBatch Random(ModelLayout layout, int size, ref Xoshiro256StarStar random)
    {
        var inputs = new float[size * layout.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = 2f * random.NextSingle() - 1f;
        if (layout.IsClassifier)
        {
            var labels = new int[size];
            for (int i = 0; i < size; i++) labels[i] = random.NextInt32(layout.OutputSize);
            return new ReferenceBatch(size, inputs, labels, null);
        }
        var targets = new float[size * layout.OutputSize];
        for (int i = 0; i < targets.Length; i++) targets[i] = 2f * random.NextSingle() - 1f;
        return new ReferenceBatch(size, inputs, null, targets);
    }
}
