namespace ModelGen;

/// <summary>
/// Runs a generated model on many samples at once, one whole forward pass per core: the samples are cut
/// into blocks (up to the workspace's capacity, see <see cref="BlockSize"/>), and each core runs the
/// model's inference pass (IModel.Infer: Forward in inference mode, or the model's own fused pass) on its blocks with a workspace of its own. Generated models
/// call this from PredictBatch and PredictClasses.
/// </summary>
/// <remarks>
/// Why not split each layer across the cores instead: a batch of a small model is a few short products
/// (the MNIST MLP's output layer is 64×128×10 per block), and handing every one of them to the other
/// cores and waiting for it costs more than it saves; whole passes need one hand-off per call. Each
/// sample's outputs are computed by the same serial kernels in the same order whichever core runs it,
/// so they are bit-identical at any thread count, and to Predict's. The extra workspaces are made on
/// the first call that uses the cores, so later calls allocate nothing.
/// </remarks>
public sealed unsafe class BatchPredictor<TWorkspace> : IChunkJob where TWorkspace : IWorkspace
{
    private readonly IModel<TWorkspace> _model;
    private readonly TWorkspace _callerWorkspace;
    private readonly int _block;
    private TWorkspace[]? _lanes; // one per thread; lane 0 is the caller's workspace

    /// <summary>Activation floats per forward pass that stay within a core's L2 cache (256 KB of them).</summary>
    private const int CacheBudgetFloats = 64 * 1024;

    // The call in progress (the buffers are pinned by the caller for its duration).
    private float* _inputs;
    private float* _outputs;
    private int* _classes;
    private int _count;

    /// <summary>Runs <paramref name="model"/> with <paramref name="workspace"/> on the caller's thread and workspaces of the same capacity on the others.</summary>
    public BatchPredictor(IModel<TWorkspace> model, TWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(workspace);
        _model = model;
        _callerWorkspace = workspace;
        _block = BlockSize(model, workspace.Capacity);
    }

    /// <summary>
    /// Samples per forward pass: as many as the workspace holds (64) while their activations fit in L2,
    /// fewer for models with large activations. The MNIST MLP keeps 138 floats per sample and runs 64 at
    /// a time, which lets the row-group kernel share each weight load across rows; the Keras convnet keeps
    /// about 40,000 and runs one at a time: 22.5 µs per image on two cores instead of 30 µs with 64-image
    /// passes whose 10 MB of activations spill to L3. Each sample's outputs are the same either way.
    /// </summary>
    private static int BlockSize(IModel model, int capacity)
    {
        long floats = model.InputSize;
        foreach (LayerInfo layer in model.Layers) floats += layer.Output.Size;
        long block = Math.Clamp(CacheBudgetFloats / Math.Max(1, floats), 1, capacity);
        return (int)(block >= 4 ? block / 4 * 4 : block); // whole row groups of four
    }

    /// <summary>Runs any number of samples, [n, InputSize], and writes their outputs, [n, OutputSize].</summary>
    public void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int count = Batch.SizeOf(inputs.Length, _model.InputSize, int.MaxValue, nameof(inputs));
        Batch.CheckTargets(outputs.Length, count, _model.OutputSize, nameof(outputs));
        fixed (float* pInputs = inputs, pOutputs = outputs)
            RunAll(pInputs, pOutputs, null, count);
    }

    /// <summary>Runs any number of samples, [n, InputSize], and writes each one's predicted class, [n].</summary>
    public void PredictClasses(ReadOnlySpan<float> inputs, Span<int> classes)
    {
        int count = Batch.SizeOf(inputs.Length, _model.InputSize, int.MaxValue, nameof(inputs));
        Batch.CheckTargets(classes.Length, count, 1, nameof(classes));
        fixed (float* pInputs = inputs)
        fixed (int* pClasses = classes)
            RunAll(pInputs, null, pClasses, count);
    }

    private void RunAll(float* inputs, float* outputs, int* classes, int count)
    {
        int capacity = _callerWorkspace.Capacity;
        int blocks = (int)(((long)count + _block - 1) / _block);
        int chunks = Kernels.AllowParallel ? Math.Min(blocks, WorkerPool.ParallelChunks) : 1;
        if (chunks > 1) _lanes ??= CreateLanes(capacity);
        _inputs = inputs;
        _outputs = outputs;
        _classes = classes;
        _count = count;
        try
        {
            WorkerPool.RunJob(this, chunks);
        }
        finally
        {
            _inputs = null;
            _outputs = null;
            _classes = null;
        }
    }

    private TWorkspace[] CreateLanes(int capacity)
    {
        var lanes = new TWorkspace[WorkerPool.Threads];
        lanes[0] = _callerWorkspace;
        for (int lane = 1; lane < lanes.Length; lane++) lanes[lane] = _model.CreateWorkspace(capacity);
        return lanes;
    }

    // A chunk is a run of whole blocks: the last block of a chunk may be short only at the very end.
    void IChunkJob.RunChunk(int chunk, int chunks, int lane)
    {
        TWorkspace workspace = lane == 0 || _lanes is null ? _callerWorkspace : _lanes[lane];
        int block = _block, inputSize = _model.InputSize, outputSize = _model.OutputSize;
        var (first, end) = WorkerPool.Range(_count, chunk, chunks, block);
        for (int start = first; start < end; start += block)
        {
            int n = Math.Min(block, end - start);
            // The parameters cannot change during the call: blocks after the chunk's first reuse what its first prepared.
            _model.Infer(workspace, new ReadOnlySpan<float>(_inputs + (long)start * inputSize, n * inputSize), sameParameters: start != first);
            ReadOnlySpan<float> results = workspace.Outputs;
            if (_outputs != null)
            {
                results.Slice(0, n * outputSize).CopyTo(new Span<float>(_outputs + (long)start * outputSize, n * outputSize));
            }
            else
            {
                for (int s = 0; s < n; s++) _classes[start + s] = Batch.ArgMax(results.Slice(s * outputSize, outputSize));
            }
        }
    }
}
