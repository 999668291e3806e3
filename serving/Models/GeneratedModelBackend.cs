namespace ModelGen.Serving;

/// <summary>
/// Runs a generated model for the server: the model's parameters are only read by its inference pass (IModel.Infer:
/// what Predict runs), so one model serves every request at once, each request in a workspace of its own from a pool. A request's
/// batch runs in passes of up to <see cref="WorkspaceCapacity"/> samples. Nothing is allocated per call once
/// the pool holds as many workspaces as requests run at once.
/// </summary>
public sealed class GeneratedModelBackend<TWorkspace> : IInferenceBackend where TWorkspace : class, IWorkspace
{
    private readonly IModel<TWorkspace> _model;
    private readonly WorkspacePool<TWorkspace> _pool;

    /// <summary>
    /// Serves <paramref name="model"/>, which must not change afterwards (load a new file into a new instance and
    /// swap that in). Keeps up to <paramref name="poolSize"/> workspaces of <see cref="WorkspaceCapacity"/> samples,
    /// chosen for batches of up to <paramref name="maxBatchSize"/>.
    /// </summary>
    public GeneratedModelBackend(IModel<TWorkspace> model, int poolSize, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _model = model;
        InputShape = model.Layers.Count > 0 ? model.Layers[0].Input : TensorShape.Flat(model.InputSize);
        if (InputShape.Size != model.InputSize) InputShape = TensorShape.Flat(model.InputSize);
        WorkspaceCapacity = WorkspaceSizing.Capacity(model, maxBatchSize);
        _pool = new WorkspacePool<TWorkspace>(poolSize, CreatePreparedWorkspace);
    }

    // A new workspace runs one pass on zeros, so that what Infer prepares from the parameters (a ResNet's Winograd weights) is
    // in it from the start; the parameters never change afterwards, so every request's passes reuse it (sameParameters).
    private TWorkspace CreatePreparedWorkspace()
    {
        TWorkspace workspace = _model.CreateWorkspace(WorkspaceCapacity);
        _model.Infer(workspace, new float[_model.InputSize], sameParameters: false);
        return workspace;
    }

    /// <inheritdoc/>
    public TensorShape InputShape { get; }

    /// <inheritdoc/>
    public int OutputSize => _model.OutputSize;

    /// <inheritdoc/>
    public bool IsClassifier => _model is IClassifier;

    /// <inheritdoc/>
    public string Platform => "modelgen";

    /// <inheritdoc/>
    public string Description => _model.Spec;

    /// <summary>Samples per forward pass.</summary>
    public int WorkspaceCapacity { get; }

    /// <summary>Workspaces made so far: at most the number of requests that ran at once.</summary>
    public int WorkspacesCreated => _pool.Created;

    /// <inheritdoc/>
    public void Run(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int inputSize = _model.InputSize, outputSize = _model.OutputSize;
        int count = Batch.SizeOf(inputs.Length, inputSize, int.MaxValue, nameof(inputs));
        Batch.CheckTargets(outputs.Length, count, outputSize, nameof(outputs));
        TWorkspace workspace = _pool.Rent();
        try
        {
            for (int start = 0; start < count; start += WorkspaceCapacity)
            {
                int n = Math.Min(WorkspaceCapacity, count - start);
                _model.Infer(workspace, inputs.Slice(start * inputSize, n * inputSize), sameParameters: true);
                workspace.Outputs.Slice(0, n * outputSize).CopyTo(outputs.Slice(start * outputSize, n * outputSize));
            }
        }
        finally
        {
            _pool.Return(workspace);
        }
    }
}
