using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.GraphKernels;

/// <summary>
/// Helpers of the graph kernels' TorchSharp twins: channels-last arrays to NCHW leaf tensors and back, and the check
/// that every compared tensor is within <see cref="Tolerance"/> of libtorch's, relative to its largest magnitude.
/// </summary>
internal static class GraphTwin
{
    /// <summary>max|ours − torch| / max|torch| allowed for every tensor.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>An NCHW leaf tensor (optionally requiring gradients) from channels-last [n, h, w, c] values.</summary>
    /// <remarks>Transposed here, so the tensor has NCHW's default strides (permute(0, 3, 1, 2).contiguous() keeps a view's
    /// strides when there is one channel).</remarks>
    public static Tensor Nchw(float[] nhwc, int n, int h, int w, int c, bool requiresGrad = false)
    {
        var nchw = new float[nhwc.Length];
        for (int s = 0; s < n; s++)
            for (int p = 0; p < h * w; p++)
                for (int k = 0; k < c; k++) nchw[(s * c + k) * h * w + p] = nhwc[(s * h * w + p) * c + k];
        Tensor t = tensor(nchw, [n, c, h, w]);
        return requiresGrad ? t.requires_grad_(true) : t;
    }

    /// <summary>A leaf tensor of the given shape (optionally requiring gradients).</summary>
    public static Tensor Leaf(float[] values, long[] shape, bool requiresGrad = false)
    {
        Tensor t = tensor(values, shape);
        return requiresGrad ? t.requires_grad_(true) : t;
    }

    /// <summary>An NCHW tensor's values in channels-last order.</summary>
    public static float[] Nhwc(Tensor nchw) => TorchTwin.Values(nchw.detach().permute(0, 2, 3, 1));

    /// <summary>A tensor's gradient.</summary>
    public static Tensor Grad(Tensor t) => t.grad ?? throw new InvalidOperationException("No gradient: backward() has not run.");

    /// <summary>Records every comparison and fails the test at the end with all that were out of tolerance (or all-zero references).</summary>
    public sealed class Checks(ITestOutputHelper output, string context)
    {
        private readonly List<string> _failures = [];

        public void Add(string what, ReadOnlySpan<float> ours, ReadOnlySpan<float> theirs, bool mayBeZero = false)
        {
            double error = Compare.RelativeToMax(ours, theirs);
            double scale = Compare.MaxAbs(theirs);
            output.WriteLine($"  {what}: error {error:E2} (max|torch| {scale:G4}, {theirs.Length} values)");
            if (!(error <= Tolerance) || (scale == 0 && !mayBeZero)) _failures.Add($"{what} {error:E2}");
        }

        public void Assert() =>
            Xunit.Assert.True(_failures.Count == 0, $"{context}: differs from TorchSharp beyond {Tolerance:E0} relative to max magnitude (or is all zero): {string.Join(", ", _failures)}.");
    }
}
