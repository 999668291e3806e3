using System.Numerics.Tensors;

namespace ModelGen;

/// <summary>
/// The graph merges: element-wise addition of two tensors ([Add], residual connections), the gradient sum of
/// a tensor read by several layers, and concatenation along channels ([Concatenate]) with its backward slice.
/// Channels-last: a tensor is [rows, channels] with rows = batch · pixels, so a concatenation copies one run of
/// channels per row. Plain copies and adds, bit-identical on every path and thread count: long additions (a ResNet
/// layer's residual gradient over a batch) split their elements across the cores, each element added by one chunk.
/// </summary>
public static unsafe class Merging
{
    /// <summary>y[i] = a[i] + b[i]; a, b and y have the same length (y may be a or b).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        if (b.Length != a.Length) throw new ArgumentException($"'b' holds {b.Length} values and 'a' {a.Length}; they must be equal.", nameof(b));
        if (y.Length != a.Length) throw new ArgumentException($"'y' holds {y.Length} values and 'a' {a.Length}; they must be equal.", nameof(y));
        Sum(a, b, y);
    }

    /// <summary>destination[i] += source[i]: how a tensor read by several layers sums its gradients. The lengths are equal.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void AddInto(Span<float> destination, ReadOnlySpan<float> source)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"'source' holds {source.Length} values and 'destination' {destination.Length}; they must be equal.", nameof(source));
        Sum(destination, source, destination);
    }

    // y = a + b over equal lengths (y may be a or b), on every core when long: each element is one IEEE addition, so
    // where the chunks cut changes nothing.
    private static void Sum(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        if (!ElementWise.Parallel(a.Length))
        {
            TensorPrimitives.Add(a, b, y);
            return;
        }
        fixed (float* pa = a, pb = b, py = y)
        {
            var args = new KernelArgs { A = pa, B = pb, C = py, Length = a.Length };
            WorkerPool.Run(&SumPart, ref args, true);
        }
    }

    private static void SumPart(ref KernelArgs args, int chunk, int chunks)
    {
        var (first, end) = WorkerPool.Range(args.Length, chunk, chunks, ElementWise.ParallelAlign);
        if (first >= end) return;
        int n = end - first;
        TensorPrimitives.Add(new ReadOnlySpan<float>(args.A + first, n), new ReadOnlySpan<float>(args.B + first, n), new Span<float>(args.C + first, n));
    }

    /// <summary>
    /// Concatenation along channels: y[r, offset + k] = x[r, k] for r &lt; rows, k &lt; channels, with x [rows, channels]
    /// and y [rows, totalChannels]; the other channels of y are left as they are.
    /// </summary>
    /// <exception cref="ArgumentException">A span is too short, or [offset, offset + channels) is not inside [0, totalChannels).</exception>
    public static void CopyChannels(ReadOnlySpan<float> x, Span<float> y, int rows, int channels, int offset, int totalChannels)
    {
        Check(x.Length, nameof(x), y.Length, nameof(y), rows, channels, offset, totalChannels);
        if (channels == totalChannels)
        {
            x.Slice(0, rows * channels).CopyTo(y);
            return;
        }
        for (int r = 0; r < rows; r++)
            x.Slice(r * channels, channels).CopyTo(y.Slice(r * totalChannels + offset, channels));
    }

    /// <summary>
    /// The backward of <see cref="CopyChannels"/>: dx[r, k] = dy[r, offset + k] for r &lt; rows, k &lt; channels, with
    /// dy [rows, totalChannels] and dx [rows, channels]; overwrites dx.
    /// </summary>
    /// <exception cref="ArgumentException">A span is too short, or [offset, offset + channels) is not inside [0, totalChannels).</exception>
    public static void SliceChannels(ReadOnlySpan<float> dy, Span<float> dx, int rows, int channels, int offset, int totalChannels)
    {
        Check(dx.Length, nameof(dx), dy.Length, nameof(dy), rows, channels, offset, totalChannels);
        if (channels == totalChannels)
        {
            dy.Slice(0, rows * channels).CopyTo(dx);
            return;
        }
        for (int r = 0; r < rows; r++)
            dy.Slice(r * totalChannels + offset, channels).CopyTo(dx.Slice(r * channels, channels));
    }

    private static void Check(int partLength, string partName, int wholeLength, string wholeName, int rows, int channels, int offset, int totalChannels)
    {
        ShapeChecks.AtLeast(rows, 0, nameof(rows));
        ShapeChecks.AtLeast(channels, 1, nameof(channels));
        ShapeChecks.AtLeast(offset, 0, nameof(offset));
        if ((long)offset + channels > totalChannels)
            throw new ArgumentException(
                $"Channels [{offset}, {(long)offset + channels}) do not fit in {totalChannels} channels.", nameof(totalChannels));
        ShapeChecks.Length(partLength, (long)rows * channels, partName, "rows × channels");
        ShapeChecks.Length(wholeLength, (long)rows * totalChannels, wholeName, "rows × totalChannels");
    }
}
