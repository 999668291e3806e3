namespace ModelGen;

/// <summary>
/// The arguments of one parallel convolution or pooling call. <see cref="KernelArgs"/> carries four
/// pointers and four integers, while a <see cref="ConvGeometry"/> alone has eleven, so these calls keep
/// their job in a local on the caller's stack and hand the workers its address; the caller waits for
/// every chunk before returning, so the address stays valid for the whole call.
/// </summary>
internal unsafe struct ConvJob
{
    public float* Source, Target;
    public int* Positions;
    public int Batch;

    /// <summary>The fused products' matrix (W, or Wᵀ for the patch gradient), bias and output, and the filter count.</summary>
    public float* Matrix, Biases, Output;
    public int Filters;
    public ConvGeometry Geometry;

    /// <summary>Target's length, and the tiles per block of the Winograd path (<see cref="Winograd.Samples"/>).</summary>
    public long TargetLength;
    public int BlockTiles;

    /// <summary>
    /// The forward product's epilogue, when <see cref="Normalize"/>: each sample's output normalised per filter
    /// (<see cref="Normalization.NormalizeRows"/>: mean, 1/σ, γ, β), plus Residual's rows when not null, then ReLU when Relu.
    /// </summary>
    public bool Normalize, Relu;
    public float* Mean, InvStd, Gamma, Beta, Residual;

    /// <summary>The epilogue of <paramref name="rows"/> output rows [rows, Filters] from source into target (may be source), the first being output row <paramref name="row"/> of the batch.</summary>
    public readonly void Finish(float* source, float* target, long row, int rows) =>
        Normalization.NormalizeRows(source, Mean, null, InvStd, Gamma, Beta, null, target, Residual == null ? null : Residual + row * Filters, Relu, rows, Filters, Filters);

    /// <summary>Runs <paramref name="body"/> over the job's chunks (see <see cref="WorkerPool.Run"/>).</summary>
    public static void Run(delegate*<ref KernelArgs, int, int, void> body, ConvJob job, bool parallel)
    {
        var args = new KernelArgs { A = (float*)&job };
        WorkerPool.Run(body, ref args, parallel);
    }

    /// <summary>The job a chunk of <see cref="Run"/> belongs to.</summary>
    public static ref ConvJob Of(ref KernelArgs args) => ref *(ConvJob*)args.A;

    /// <summary>The samples [Start, End) that chunk <paramref name="chunk"/> of <paramref name="chunks"/> owns.</summary>
    public readonly (int Start, int End) Samples(int chunk, int chunks) => WorkerPool.Range(Batch, chunk, chunks);
}
