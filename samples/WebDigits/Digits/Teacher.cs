namespace ModelGen.Samples.WebDigits.Digits;

/// <summary>What one "teach it" round did.</summary>
/// <param name="Steps">Training steps taken.</param>
/// <param name="Probabilities">The drawing's ten class probabilities afterwards.</param>
/// <param name="Loss">The last step's mean loss over its batch.</param>
internal readonly record struct TeachResult(int Steps, float[] Probabilities, float Loss);

/// <summary>
/// "Teach it": fine-tunes a network on the visitor's drawing with its right label. Each step's batch holds the
/// drawing four times (as drawn and moved by one pixel left, right and down, so that the lesson survives the next
/// drawing being placed a little differently) and, in the rest of the batch, MNIST digits taken in turn from the
/// replay set, so that the network does not forget the digits it knew while it learns this one.
/// </summary>
internal sealed class Teacher(ReplaySet replay)
{
    /// <summary>The most steps one round takes.</summary>
    public const int MaxSteps = 30;

    /// <summary>A round stops once the drawing reads as its label with at least this probability.</summary>
    public const float Confidence = 0.8f;

    private const int Side = 28;

    private static readonly (int X, int Y)[] s_shifts = [(0, 0), (-1, 0), (1, 0), (0, 1)];

    // The next replay digit: rounds continue through the set rather than repeating its start.
    private int _next;

    /// <summary>Trains <paramref name="network"/> until <paramref name="drawing"/> reads as <paramref name="label"/> (or <see cref="MaxSteps"/>).</summary>
    public TeachResult Teach(PageNetwork network, ReadOnlySpan<float> drawing, int label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(label, 9);
        int batch = network.TeachBatch;
        var inputs = new float[batch * Side * Side];
        var labels = new int[batch];
        var probabilities = new float[10];
        float loss = 0;
        int steps = 0;
        while (steps < MaxSteps)
        {
            for (int i = 0; i < batch; i++)
            {
                Span<float> image = inputs.AsSpan(i * Side * Side, Side * Side);
                if (i < s_shifts.Length)
                {
                    Shift(drawing, image, s_shifts[i].X, s_shifts[i].Y);
                    labels[i] = label;
                }
                else
                {
                    replay.Image(_next).CopyTo(image);
                    labels[i] = replay.Label(_next);
                    _next = (_next + 1) % replay.Count;
                }
            }
            loss = network.TrainStep(inputs, labels);
            steps++;
            network.Predict(drawing, probabilities);
            if (probabilities[label] >= Confidence) break;
        }
        return new TeachResult(steps, probabilities, loss);
    }

    // image = source moved by (dx, dy) pixels, with background coming in at the edge.
    private static void Shift(ReadOnlySpan<float> source, Span<float> image, int dx, int dy)
    {
        image.Clear();
        for (int y = Math.Max(0, dy); y < Math.Min(Side, Side + dy); y++)
        for (int x = Math.Max(0, dx); x < Math.Min(Side, Side + dx); x++)
            image[y * Side + x] = source[(y - dy) * Side + x - dx];
    }
}
