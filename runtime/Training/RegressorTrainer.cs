using System.Diagnostics;

namespace ModelGen.Training;

/// <summary>
/// Keras' <c>fit</c> for any generated regressor (mean squared error): the same epochs, shuffles, seeds,
/// validation, progress, history and early stop as <see cref="ClassifierTrainer{TWorkspace}"/>, on
/// target values instead of labels. Accuracies are NaN in its progress and history: a regressor has no
/// classes. Its batch buffers are allocated once, so a step allocates nothing.
/// </summary>
/// <typeparam name="TWorkspace">The model's own <c>Workspace</c> class.</typeparam>
public sealed class RegressorTrainer<TWorkspace> where TWorkspace : IWorkspace
{
    private readonly IRegressor<TWorkspace> _model;
    private readonly Optimizer _optimizer;
    private readonly TWorkspace _workspace;
    private readonly float[] _batchInputs;
    private readonly float[] _batchTargets;
    private readonly int[] _order;
    private readonly bool _shuffle;
    private readonly int _evaluationBatchSize;
    private RegressorEvaluator<TWorkspace>? _evaluator;
    private Xoshiro256StarStar _random;

    /// <summary>Prepares to train <paramref name="model"/> with <paramref name="optimizer"/> on <paramref name="train"/>.</summary>
    public RegressorTrainer(IRegressor<TWorkspace> model, Optimizer optimizer, RegressionData train, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
        options ??= new FitOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, $"{nameof(options)}.{nameof(FitOptions.BatchSize)}");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EvaluationBatchSize, 1, $"{nameof(options)}.{nameof(FitOptions.EvaluationBatchSize)}");
        train.CheckFits(model, "training data", nameof(train));
        _model = model;
        _optimizer = optimizer;
        Train = train;
        int batch = Math.Min(options.BatchSize, train.Count);
        _workspace = model.CreateWorkspace(batch);
        _batchInputs = new float[batch * train.InputSize];
        _batchTargets = new float[batch * train.OutputSize];
        _order = new int[train.Count];
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        _shuffle = options.Shuffle;
        _evaluationBatchSize = options.EvaluationBatchSize;
        _random = new Xoshiro256StarStar(options.Seed ^ ClassifierTrainer<TWorkspace>.ShuffleStream);
    }

    /// <summary>The training set.</summary>
    public RegressionData Train { get; }

    /// <summary>Samples per step: the options' batch size, or the whole set if it is smaller.</summary>
    public int BatchSize => _workspace.Capacity;

    /// <summary>Steps in one epoch.</summary>
    public int BatchesPerEpoch => (_order.Length + BatchSize - 1) / BatchSize;

    /// <summary>Epochs run so far, including one that stopped early.</summary>
    public int EpochsCompleted { get; private set; }

    /// <summary>One pass over the training set in a new random order, in training mode; stops at a non-finite loss.</summary>
    public EpochResult TrainEpoch(IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        int epoch = ++EpochsCompleted;
        if (_shuffle) _random.Shuffle(_order.AsSpan());
        int inputSize = Train.InputSize, outputSize = Train.OutputSize, batches = BatchesPerEpoch;
        double lossSum = 0;
        int seen = 0, batch = 0;
        bool diverged = false;
        for (int start = 0; start < _order.Length && !diverged; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(BatchSize, _order.Length - start);
            for (int i = 0; i < n; i++)
            {
                int sample = _order[start + i];
                Array.Copy(Train.Inputs, sample * inputSize, _batchInputs, i * inputSize, inputSize);
                Array.Copy(Train.Targets, sample * outputSize, _batchTargets, i * outputSize, outputSize);
            }
            float loss = _model.TrainStep(_workspace, _batchInputs.AsSpan(0, n * inputSize), _batchTargets.AsSpan(0, n * outputSize), _optimizer);
            lossSum += (double)loss * n;
            seen += n;
            batch++;
            diverged = !float.IsFinite(loss);
            progress?.Report(new BatchProgress(epoch, batch, batches, seen, lossSum / seen, double.NaN));
        }
        return new EpochResult(epoch, batch, seen, lossSum / seen, double.NaN, Stopwatch.GetElapsedTime(started).TotalSeconds, diverged);
    }

    /// <summary>Runs <paramref name="epochs"/> epochs, evaluating <paramref name="validation"/> (if given) after each; see <see cref="ClassifierTrainer{TWorkspace}.Fit"/>.</summary>
    public TrainingHistory Fit(int epochs, RegressionData? validation = null, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        validation?.CheckFits(_model, "validation data", nameof(validation));
        return TrainingLoop.Run(epochs, () => TrainEpoch(progress, cancellationToken), validation is null ? null : () =>
        {
            RegressionEvaluation result = Evaluator.Evaluate(validation);
            return new TrainingLoop.Validation(result.Loss, null, result.Seconds);
        });
    }

    private RegressorEvaluator<TWorkspace> Evaluator => _evaluator ??= new RegressorEvaluator<TWorkspace>(_model, _evaluationBatchSize);
}
