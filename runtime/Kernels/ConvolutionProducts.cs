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
    /// <para>
    /// With <paramref name="winograd"/>, a convolution that <see cref="Winograd.Suits"/> is computed with Winograd's F(2×2, 3×3)
    /// instead, on w transformed by this call: within a few units in the last place of the direct sums, not their bits, and each
    /// sample's results the same bits whatever the batch, the thread count or the vector width. Generated models ask for it
    /// for the convolutions whose BatchNormalization Infer fuses (<see cref="ForwardNormalized"/> takes Winograd for them), in
    /// training and inference alike, so Forward and Infer compute the same z.
    /// </para>
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> patches, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        int batch, in ConvGeometry g, int filters, bool winograd = false)
    {
        Check(x.Length, nameof(x), patches.Length, nameof(patches), batch, g);
        CheckProduct(w.Length, y.Length, nameof(y), batch, g, filters);
        if (b.Length < filters) throw new ArgumentException($"The span 'b' holds {b.Length} values, fewer than the {filters} filters.", nameof(b));
        int pixels = batch * g.OutputPixels;
        if (winograd && batch > 0 && Winograd.Suits(g, filters))
        {
            ForwardWinograd(x, patches, w, b, y, batch, g, filters);
            return;
        }
        if (batch < 2 && !WorkerPool.Busy && ProductsInParallel(batch, g, filters))
        {
            // One large sample with the cores free: the product alone splits its rows across them.
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
    /// The inference forward pass of a convolution followed by BatchNormalization (running statistics), an optional
    /// residual [Add] and an optional ReLU, in one pass: y [batch · OutputPixels, filters] =
    /// relu(γ·(z − mean)/√(variance + ε) + β + residual) with z = im2col(x) · w + b, each sample's z normalised while
    /// it is in cache. The same bits as <see cref="Forward"/>, <see cref="Normalization.BatchNormInference"/>,
    /// <see cref="Merging.Add"/> and <see cref="Activations.ReLU"/> one after the other; z itself is not kept.
    /// residual (empty for none) has y's shape; patches [batch · OutputPixels, PatchSize] is scratch.
    /// <para>
    /// With <paramref name="winogradWeights"/> (<see cref="Winograd.WeightsLength"/> floats holding
    /// <see cref="Winograd.TransformWeights"/>' result for w; the call writes scratch after the transformed weights), a 3×3
    /// stride-1 convolution of at least 16 channels and a multiple of 16 filters computes z with Winograd's F(2×2, 3×3) instead, from those
    /// weights and not w (<see cref="Winograd"/>: 16 multiply-adds per 2×2 output pixels, channel and filter instead of 36),
    /// within a few units in the last place of the direct sums but not their bits; a sample's results are still the same bits
    /// whatever the batch, the thread count or the vector width. Generated models pass them from Infer, so Predict and
    /// PredictBatch take it; their Forward and training take the same sums through <see cref="Forward"/>'s winograd.
    /// </para>
    /// </summary>
    public static void ForwardNormalized(ReadOnlySpan<float> x, Span<float> patches, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        int batch, in ConvGeometry g, int filters,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon,
        ReadOnlySpan<float> residual, bool relu, Span<float> winogradWeights = default)
    {
        Check(x.Length, nameof(x), patches.Length, nameof(patches), batch, g);
        CheckProduct(w.Length, y.Length, nameof(y), batch, g, filters);
        if (b.Length < filters) throw new ArgumentException($"The span 'b' holds {b.Length} values, fewer than the {filters} filters.", nameof(b));
        ShapeChecks.Length(gamma.Length, filters, nameof(gamma), "filters");
        ShapeChecks.Length(beta.Length, filters, nameof(beta), "filters");
        ShapeChecks.Length(runningMean.Length, filters, nameof(runningMean), "filters");
        ShapeChecks.Length(runningVariance.Length, filters, nameof(runningVariance), "filters");
        ShapeChecks.EmptyOrLength(residual.Length, (long)batch * g.OutputPixels * filters, nameof(residual), "batch × OutputPixels × filters");
        int pixels = batch * g.OutputPixels;
        if (batch > 0 && filters <= MaxNormalizedFilters && Winograd.Suits(g, filters) && winogradWeights.Length >= Winograd.WeightsLength(g, filters))
        {
            ForwardNormalizedWinograd(x, patches, b, y, batch, g, filters, gamma, beta, runningMean, runningVariance, epsilon, residual, relu, winogradWeights);
            return;
        }
        if (filters > MaxNormalizedFilters || (batch < 2 && !WorkerPool.Busy && ProductsInParallel(batch, g, filters)))
        {
            // Many filters (1/σ would not fit on the stack), or one large sample whose product splits across the cores: the passes one after the other.
            Forward(x, patches, w, b, y, batch, g, filters);
            Normalization.BatchNormInference(y.Slice(0, pixels * filters), default, y.Slice(0, pixels * filters), gamma, beta, default, runningMean, runningVariance,
                epsilon, pixels, filters, residual, relu);
            return;
        }
        float* invStd = stackalloc float[filters];
        fixed (float* px = x, pp = patches, pw = w, pb = b, py = y, pg = gamma, pbeta = beta, pm = runningMean, pv = runningVariance, pr = residual)
        {
            Normalization.InverseDeviations(pv, epsilon, invStd, filters);
            var job = new ConvJob
            {
                Source = px, Target = pp, Batch = batch, Geometry = g, Matrix = pw, Biases = pb, Output = py, Filters = filters,
                Normalize = true, Relu = relu, Mean = pm, InvStd = invStd, Gamma = pg, Beta = pbeta, Residual = pr,
            };
            ConvJob.Run(&ForwardPart, job, ProductsInParallel(batch, g, filters));
        }
    }

    // ForwardNormalized's Winograd path: each chunk's samples a block of tiles at a time, on weights the caller transformed.
    private static void ForwardNormalizedWinograd(ReadOnlySpan<float> x, Span<float> patches, ReadOnlySpan<float> b, Span<float> y,
        int batch, in ConvGeometry g, int filters,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon,
        ReadOnlySpan<float> residual, bool relu, Span<float> winogradWeights)
    {
        float* invStd = stackalloc float[filters];
        fixed (float* px = x, pp = patches, pb = b, py = y, pg = gamma, pbeta = beta, pm = runningMean, pv = runningVariance, pr = residual, pu = winogradWeights)
        {
            Normalization.InverseDeviations(pv, epsilon, invStd, filters);
            var job = WinogradJob(px, pp, patches.Length, pu, winogradWeights.Length, pb, py, batch, g, filters, out bool parallel) with
            {
                Normalize = true, Relu = relu, Mean = pm, InvStd = invStd, Gamma = pg, Beta = pbeta, Residual = pr,
            };
            ConvJob.Run(&WinogradPart, job, parallel);
        }
    }

    // Forward's Winograd path: the weights transformed into this thread's buffer, then ForwardNormalized's blocks without the epilogue.
    private static void ForwardWinograd(ReadOnlySpan<float> x, Span<float> patches, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        int batch, in ConvGeometry g, int filters)
    {
        long length = Winograd.WeightsLength(g, filters);
        float[] room = t_winogradWeights ??= [];
        if (room.Length < length) t_winogradWeights = room = new float[length];
        Winograd.TransformWeights(w, room, g, filters);
        fixed (float* px = x, pp = patches, pb = b, py = y, pu = room)
        {
            var job = WinogradJob(px, pp, patches.Length, pu, room.Length, pb, py, batch, g, filters, out bool parallel);
            ConvJob.Run(&WinogradPart, job, parallel);
        }
    }

    // Transformed weights for Forward's Winograd path, owned by the calling thread (a thread makes one call at a time, and the
    // pool's workers only read the buffer of the call they are helping); made again on every call, as the weights change.
    [ThreadStatic] private static float[]? t_winogradWeights;

    // The Winograd job's operands and scratch. Each chunk's samples share the chunk's part of the patch buffer, at least
    // patches.Length / batch − 1 floats. When that is not room for one tile (tiny images), the samples run on this thread in
    // the room after the transformed weights.
    private static ConvJob WinogradJob(float* x, float* patches, long patchLength, float* room, long roomLength, float* b, float* y,
        int batch, in ConvGeometry g, int filters, out bool parallel)
    {
        long transformed = Winograd.TransformedLength(g, filters);
        int blockTiles = Winograd.BlockTiles(patchLength / batch - 1, g, filters);
        bool inPatches = blockTiles > 0;
        if (!inPatches) blockTiles = Winograd.BlockTiles(roomLength - transformed, g, filters);
        parallel = inPatches && ProductsInParallel(batch, g, filters);
        return new ConvJob
        {
            Source = x, Target = inPatches ? patches : room + transformed, TargetLength = inPatches ? patchLength : 0, Batch = batch, Geometry = g,
            Matrix = room, Biases = b, Output = y, Filters = filters, BlockTiles = blockTiles,
        };
    }

    // Job: Matrix = the transformed weights; the chunk's scratch is its share of Target, in proportion to its samples.
    private static void WinogradPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref ConvJob job = ref ConvJob.Of(ref a);
        var (first, end) = job.Samples(chunk, chunks);
        ConvGeometry g = job.Geometry;
        int pixels = g.OutputPixels, filters = job.Filters;
        float* scratch = job.Target + job.TargetLength * first / job.Batch;
        // In the patch buffer, a chunk of several samples has their shares: blocks as large as they allow (the blocks do not
        // change the results). Small images: a block holds several samples' tiles, so that each product has rows enough for
        // the register tiles.
        int blockTiles = job.TargetLength > 0 ? Winograd.BlockTiles(job.TargetLength * (end - first) / job.Batch - 1, g, filters) : job.BlockTiles;
        int group = Math.Max(1, blockTiles / Winograd.Tiles(g));
        for (int n = first; n < end; n += group)
        {
            int count = Math.Min(group, end - n);
            float* z = job.Output + (long)n * pixels * filters;
            Winograd.Samples(job.Source + (long)n * g.InputSize, count, job.Matrix, job.Biases, z, scratch, blockTiles, g, filters);
            if (job.Normalize) job.Finish(z, z, (long)n * pixels, count * pixels);
        }
    }

    /// <summary>Filters up to which <see cref="ForwardNormalized"/> keeps its per-filter 1/σ on the stack.</summary>
    private const int MaxNormalizedFilters = 4096;

    /// <summary>
    /// dx = col2im(dz · wᵀ), w [PatchSize, filters]: the same as <see cref="Kernels.InputGradient"/> into
    /// dpatches then <see cref="Col2Im"/>. Overwrites dx; dpatches [batch · OutputPixels, PatchSize] is scratch.
    /// </summary>
    public static void InputGradient(ReadOnlySpan<float> dz, ReadOnlySpan<float> w, Span<float> dpatches, Span<float> dx,
        int batch, in ConvGeometry g, int filters, bool winograd = false)
    {
        Check(dx.Length, nameof(dx), dpatches.Length, nameof(dpatches), batch, g);
        CheckProduct(w.Length, dz.Length, nameof(dz), batch, g, filters);
        int pixels = batch * g.OutputPixels, inputs = g.PatchSize;
        if (batch > 0 && InputGradientIsCorrelation(g, filters, winograd))
        {
            InputGradientByCorrelation(dz, w, dpatches, dx, batch, g, filters, winograd);
            return;
        }
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
    /// Whether <see cref="InputGradient"/> computes dx as a forward convolution of dz instead of dz · wᵀ and col2im: for
    /// stride 1, dx is the correlation of dz (zero-padded by KH − 1 − PadTop rows above, KW − 1 − PadLeft columns on the
    /// left) with the window flipped and its channels and filters swapped, wᵀ[ky, kx, f, c] = w[KH − 1 − ky, KW − 1 − kx, c, f].
    /// That product has C columns and no col2im; it is taken for channels that fill whole 512-bit vectors, when its patches
    /// fit in the call's patch buffer (H·W·F ≤ OutputPixels·C, as for a Same convolution with as many filters as channels),
    /// its flipped weights on the stack, and the image is wide enough for the padded rows' extra columns, which the forward
    /// product computes and drops, to be at most an eighth of them (7×7 images of 64 channels took 1.1× the time of the
    /// patch-gradient path, 28×28×16 0.75× and 14×14×32 0.9×). Each dx value is then one chain of multiply-adds over (ky, kx, f), within
    /// rounding of the sum of the patch gradients that col2im adds, but not its bits. The rule reads only the shapes, so the
    /// choice (and so the bits) never depends on the machine.
    /// </summary>
    /// <remarks>
    /// With <paramref name="winograd"/> (<see cref="InputGradient"/>'s), the forward convolution takes Winograd's F(2×2, 3×3)
    /// when <see cref="Winograd.Suits"/> its geometry (<see cref="InputGradientGeometry"/>), whatever the image's width.
    /// </remarks>
    public static bool InputGradientIsCorrelation(in ConvGeometry g, int filters, bool winograd = false) =>
        g.StrideHeight == 1 && g.StrideWidth == 1 && g.Channels % RegisterTiles.Lanes == 0 && filters >= RegisterTiles.Lanes
        && (long)g.InputHeight * g.InputWidth * filters <= (long)g.OutputPixels * g.Channels
        && (long)g.PatchSize * filters <= MaxFlippedWeights
        && (8 * (g.WindowWidth - 1) <= g.InputWidth + g.WindowWidth - 1 || winograd && Winograd.Suits(InputGradientGeometry(g, filters), g.Channels));

    /// <summary>Floats of flipped weights that <see cref="InputGradientByCorrelation"/> keeps on the stack (256 KB).</summary>
    private const int MaxFlippedWeights = 64 * 1024;

    /// <summary>
    /// The geometry of <see cref="InputGradientIsCorrelation"/>'s forward convolution: dz [OutputHeight, OutputWidth, filters]
    /// in, dx [InputHeight, InputWidth, Channels] out, the same window, stride 1, the padding that puts each dx pixel's
    /// window over the dz pixels it reached.
    /// </summary>
    public static ConvGeometry InputGradientGeometry(in ConvGeometry g, int filters) => new(
        g.OutputHeight, g.OutputWidth, filters, g.WindowHeight, g.WindowWidth, 1, 1,
        g.WindowHeight - 1 - g.PadTop, g.WindowWidth - 1 - g.PadLeft, g.InputHeight, g.InputWidth);

    /// <summary>The flipped weights of <see cref="InputGradientIsCorrelation"/>: wᵀ[ky, kx, f, c] = w[KH − 1 − ky, KW − 1 − kx, c, f].</summary>
    public static void FlipWeights(ReadOnlySpan<float> w, Span<float> flipped, in ConvGeometry g, int filters)
    {
        int kh = g.WindowHeight, kw = g.WindowWidth, c = g.Channels;
        ShapeChecks.Length(w.Length, (long)g.PatchSize * filters, nameof(w), "PatchSize × filters");
        ShapeChecks.Length(flipped.Length, (long)g.PatchSize * filters, nameof(flipped), "PatchSize × filters");
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                var source = w.Slice(((kh - 1 - ky) * kw + (kw - 1 - kx)) * c * filters, c * filters);
                var target = flipped.Slice((ky * kw + kx) * filters * c, filters * c);
                for (int ch = 0; ch < c; ch++)
                    for (int f = 0; f < filters; f++) target[f * c + ch] = source[ch * filters + f];
            }
    }

    // InputGradient as the forward convolution of dz with the flipped weights and no bias (a chain that starts at +0 is the
    // chain that starts with its first product).
    private static void InputGradientByCorrelation(ReadOnlySpan<float> dz, ReadOnlySpan<float> w, Span<float> dpatches, Span<float> dx,
        int batch, in ConvGeometry g, int filters, bool winograd)
    {
        int weights = g.PatchSize * filters;
        Span<float> flipped = stackalloc float[weights];
        Span<float> zeros = stackalloc float[g.Channels];
        zeros.Clear();
        FlipWeights(w, flipped, g, filters);
        Forward(dz, dpatches, flipped, zeros, dx, batch, InputGradientGeometry(g, filters), g.Channels, winograd);
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

    // Each chunk makes its samples' patches in the patch rows of its first sample, which stay in cache; a
    // stride-1 convolution reads its windows straight from a zero-padded copy of the image instead.
    private static void ForwardPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref ConvJob job = ref ConvJob.Of(ref a);
        var (first, end) = job.Samples(chunk, chunks);
        ConvGeometry g = job.Geometry;
        int pixels = g.OutputPixels, inputs = g.PatchSize, filters = job.Filters;
        float* scratch = job.Target + (long)first * pixels * inputs;
        bool padded = ReadsPaddedImages(g, filters);
        for (int n = first; n < end; n++)
        {
            float* y = job.Output + (long)n * pixels * filters;
            if (padded)
            {
                ForwardFromPaddedImage(job.Source + (long)n * g.InputSize, job.Matrix, job.Biases, y, scratch, g, filters, ref job, (long)n * pixels);
                continue;
            }
            Im2ColRows(job.Source, (long)n * pixels, pixels, scratch, g);
            Kernels.AccumulateRowBlock(scratch, job.Matrix, job.Biases, y, 0, pixels, inputs, filters);
            if (job.Normalize) job.Finish(y, y, (long)n * pixels, pixels);
        }
    }

    /// <summary>
    /// Whether a sample's forward product reads its windows from a padded copy of the image (stride 1, whole
    /// vectors of filters, register tiles; the copy and the virtual output fit in the sample's patch rows).
    /// </summary>
    private static bool ReadsPaddedImages(in ConvGeometry g, int filters)
    {
        if (!RegisterTiles.Suits(filters) || g.StrideHeight != 1 || g.StrideWidth != 1) return false;
        long paddedWidth = g.OutputWidth + g.WindowWidth - 1, paddedHeight = g.OutputHeight + g.WindowHeight - 1;
        return paddedHeight * paddedWidth * g.Channels + g.OutputHeight * paddedWidth * filters <= (long)g.OutputPixels * g.PatchSize;
    }

    // y [OutputPixels, filters] = patches · W + b for one image, without making its patches. With stride 1,
    // in a zero-padded copy of the image whose rows are PW = OutputWidth + WindowWidth − 1 pixels wide, the
    // window of output pixel (oy, ox) starts at pixel q = oy·PW + ox, and its row ky is the WindowWidth·C
    // floats from (q + ky·PW)·C: a[q, (ky, j)] = padded[q·C + ky·PW·C + j]. So the product runs over the
    // "virtual" pixels q with ARow = C, one segment per window row, each a run of the patch row's order
    // (ky, kx, c), all segments in registers; the virtual pixels that straddle two rows (ox ≥ OutputWidth) are computed
    // and dropped. Each y value is the same chain of multiply-adds as from the patch matrix: the same bits.
    // With the job's epilogue (Normalize), each output row is normalised on its way from the virtual output to y.
    private static void ForwardFromPaddedImage(float* image, float* w, float* b, float* y, float* scratch, in ConvGeometry g, int filters,
        ref ConvJob job, long firstRow)
    {
        int c = g.Channels, pw = g.OutputWidth + g.WindowWidth - 1, ph = g.OutputHeight + g.WindowHeight - 1, run = g.WindowWidth * c;
        float* padded = scratch, virtualY = scratch + (long)ph * pw * c;
        PadImage(image, padded, ph, pw, g);
        int rows = (g.OutputHeight - 1) * pw + g.OutputWidth;
        var product = new RegisterTiles.Operands
        {
            A = padded, ARow = c, AStep = 1, Segments = g.WindowHeight, ASegment = pw * c,
            B = w, BStep = filters, Steps = run, BSegment = run * filters,
            Start = b, C = virtualY, CRow = filters, Columns = filters,
        };
        RegisterTiles.Rows(product, 0, rows);
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            float* source = virtualY + (long)oy * pw * filters, target = y + (long)oy * g.OutputWidth * filters;
            if (job.Normalize) job.Finish(source, target, firstRow + (long)oy * g.OutputWidth, g.OutputWidth);
            else new ReadOnlySpan<float>(source, g.OutputWidth * filters).CopyTo(new Span<float>(target, g.OutputWidth * filters));
        }
    }

    /// <summary>
    /// A zero-padded copy of one image, [ph, pw, Channels] (a stride-1 window's reach: OutputHeight + WindowHeight − 1 rows of
    /// OutputWidth + WindowWidth − 1 pixels): padded row r holds image row r − PadTop, shifted right by PadLeft pixels (Same:
    /// the odd pad at the bottom and right).
    /// </summary>
    internal static void PadImage(float* image, float* padded, int ph, int pw, in ConvGeometry g)
    {
        // Only the border is cleared: the copy overwrites the rest.
        int c = g.Channels, rows = Math.Min(g.InputHeight, ph - g.PadTop), width = Math.Min(g.InputWidth, pw - g.PadLeft);
        long row = (long)pw * c;
        Runs.Clear(padded, (int)(g.PadTop * row));
        for (int iy = 0; iy < rows; iy++)
        {
            float* target = padded + (iy + g.PadTop) * row;
            Runs.Clear(target, g.PadLeft * c);
            Runs.Copy(image + (long)iy * g.InputWidth * c, target + g.PadLeft * c, width * c);
            Runs.Clear(target + (g.PadLeft + width) * c, (pw - g.PadLeft - width) * c);
        }
        Runs.Clear(padded + (g.PadTop + rows) * row, (int)((ph - g.PadTop - rows) * row));
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
