namespace ModelGen;

/// <summary>
/// A convolution's data movement and matrix products in one pass. Im2Col followed by
/// <see cref="Kernels.Affine"/> writes the whole batch's patch matrix (58 MB for ResNet-20's first stage at
/// batch 128) out to memory and reads it back, and the weight gradient reads it again in the backward pass:
/// on two cores that traffic, not the arithmetic, set the speed. Here patches are made where they are used,
/// a sample (or a tile of rows) at a time, into a small part of the patch buffer that stays in cache: the
/// forward product and the weight gradient each make them again from the image (an image is 9 times
/// smaller than its patches), and the patch gradient goes through col2im right after it is computed.
/// The values computed are the same, in the same order, so every result is the same bits as the separate
/// calls (kernel tests compare them); the patch buffers are scratch, and what they hold afterwards is not
/// part of the contract.
/// </summary>
public static unsafe partial class Convolution
{
    /// <summary>
    /// y [batch · OutputPixels, filters] = im2col(x) · w + b, w [PatchSize, filters]: the same as
    /// <see cref="Im2Col"/> then <see cref="Kernels.Affine"/>. patches [batch · OutputPixels, PatchSize] is scratch.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> patches, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        int batch, in ConvGeometry g, int filters)
    {
        Check(x.Length, nameof(x), patches.Length, nameof(patches), batch, g);
        CheckProduct(w.Length, y.Length, nameof(y), batch, g, filters);
        if (b.Length < filters) throw new ArgumentException($"The span 'b' holds {b.Length} values, fewer than the {filters} filters.", nameof(b));
        int pixels = batch * g.OutputPixels;
        if (batch < 2)
        {
            // One sample: the product alone splits its rows across the cores.
            Im2Col(x, patches, batch, g);
            Kernels.Affine(patches, w, b, y, pixels, g.PatchSize, filters);
            return;
        }
        fixed (float* px = x, pp = patches, pw = w, pb = b, py = y)
        {
            var job = new ConvJob { Source = px, Target = pp, Batch = batch, Geometry = g, Matrix = pw, Biases = pb, Output = py, Filters = filters };
            ConvJob.Run(&ForwardPart, job, ProductsInParallel(batch, g, filters));
        }
    }

    /// <summary>
    /// dx = col2im(dz · wᵀ), w [PatchSize, filters]: the same as <see cref="Kernels.InputGradient"/> into
    /// dpatches then <see cref="Col2Im"/>. Overwrites dx; dpatches [batch · OutputPixels, PatchSize] is scratch.
    /// </summary>
    public static void InputGradient(ReadOnlySpan<float> dz, ReadOnlySpan<float> w, Span<float> dpatches, Span<float> dx,
        int batch, in ConvGeometry g, int filters)
    {
        Check(dx.Length, nameof(dx), dpatches.Length, nameof(dpatches), batch, g);
        CheckProduct(w.Length, dz.Length, nameof(dz), batch, g, filters);
        int pixels = batch * g.OutputPixels, inputs = g.PatchSize;
        if (batch < 2 || !Kernels.TransposesWeights(pixels, inputs, filters))
        {
            Kernels.InputGradient(dz, w, dpatches, pixels, inputs, filters);
            Col2Im(dpatches, dx, batch, g);
            return;
        }
        // Wᵀ once for the whole call (at most 256 KB, as Kernels.InputGradient does).
        float* wT = stackalloc float[inputs * filters];
        for (int i = 0; i < inputs; i++)
            for (int u = 0; u < filters; u++) wT[u * inputs + i] = w[i * filters + u];
        fixed (float* pdz = dz, pp = dpatches, pdx = dx)
        {
            var job = new ConvJob { Source = pp, Target = pdx, Batch = batch, Geometry = g, Matrix = wT, Output = pdz, Filters = filters };
            ConvJob.Run(&InputGradientPart, job, ProductsInParallel(batch, g, filters));
        }
    }

    /// <summary>
    /// dw [PatchSize, filters] = im2col(x)ᵀ · dz: the same as <see cref="Im2Col"/> then
    /// <see cref="Kernels.WeightGradient"/>. patches [batch · OutputPixels, PatchSize] is scratch.
    /// </summary>
    public static void WeightGradient(ReadOnlySpan<float> x, Span<float> patches, ReadOnlySpan<float> dz, Span<float> dw,
        int batch, in ConvGeometry g, int filters)
    {
        Check(x.Length, nameof(x), patches.Length, nameof(patches), batch, g);
        CheckProduct(dw.Length, dz.Length, nameof(dz), batch, g, filters);
        int rows = batch * g.OutputPixels;
        fixed (float* px = x, pp = patches, pdz = dz, pdw = dw)
        {
            if (TallWeightGradient.SuitsImages(pdz, rows, g.PatchSize, filters))
            {
                ConvGeometry geometry = g;
                TallWeightGradient.Run(px, pdz, pdw, rows, g.PatchSize, filters, Kernels.AllowParallel && (long)rows * g.PatchSize * filters >= Kernels.ParallelThreshold,
                    &geometry, pp);
                return;
            }
        }
        Im2Col(x, patches, batch, g);
        Kernels.WeightGradient(patches, dz, dw, rows, g.PatchSize, filters);
    }

    // Each chunk makes its samples' patches in the patch rows of its first sample, which stay in cache.
    private static void ForwardPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref ConvJob job = ref ConvJob.Of(ref a);
        var (first, end) = job.Samples(chunk, chunks);
        int pixels = job.Geometry.OutputPixels, inputs = job.Geometry.PatchSize, filters = job.Filters;
        float* scratch = job.Target + (long)first * pixels * inputs;
        for (int n = first; n < end; n++)
        {
            Im2ColRows(job.Source, (long)n * pixels, pixels, scratch, job.Geometry);
            Kernels.AccumulateRowBlock(scratch, job.Matrix, job.Biases, job.Output + (long)n * pixels * filters, 0, pixels, inputs, filters);
        }
    }

    // Job: Source = dpatches (scratch: the rows of the chunk's first sample), Target = dx, Output = dz (read), Matrix = Wᵀ.
    private static void InputGradientPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref ConvJob job = ref ConvJob.Of(ref a);
        var (first, end) = job.Samples(chunk, chunks);
        int pixels = job.Geometry.OutputPixels, inputs = job.Geometry.PatchSize, filters = job.Filters;
        float* scratch = job.Source + (long)first * pixels * inputs;
        for (int n = first; n < end; n++)
        {
            Kernels.AccumulateRowBlock(job.Output + (long)n * pixels * filters, job.Matrix, null, scratch, 0, pixels, filters, inputs);
            Col2ImImage(scratch, job.Target + (long)n * job.Geometry.InputSize, job.Geometry);
        }
    }

    // The products' rule (Kernels.ParallelThreshold multiply-adds), which also covers the data movement.
    private static bool ProductsInParallel(int batch, in ConvGeometry g, int filters) =>
        Kernels.AllowParallel && (long)batch * g.OutputPixels * g.PatchSize * filters >= Kernels.ParallelThreshold;

    private static void CheckProduct(int weights, int outputLength, string outputName, int batch, in ConvGeometry g, int filters)
    {
        if (filters < 1) throw new ArgumentOutOfRangeException(nameof(filters), filters, "The filter count must be at least 1.");
        if (weights < (long)g.PatchSize * filters)
            throw new ArgumentException($"The span 'w' holds {weights} values, but PatchSize × filters needs {(long)g.PatchSize * filters}.", nameof(weights));
        ConvChecks.Length(outputLength, batch, (long)g.OutputPixels * filters, outputName, "OutputPixels × filters");
    }
}
