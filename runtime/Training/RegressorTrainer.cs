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
    private readonly EpochOrder _order;
    private readonly ScheduleClock _clock;
    private readonly float[] _batchInputs;
    private readonly float[] _batchTargets;
    private RegressorEvaluator<TWorkspace>? _evaluator;

    /// <summary>Prepares to train <paramref name="model"/> with <paramref name="optimizer"/> on <paramref name="train"/>.</summary>
    public RegressorTrainer(IRegressor<TWorkspace> model, Optimizer optimizer, RegressionData train, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
        if (options is { ValidationSplit: not 0 }) (train, Validation) = train.Split(options.ValidationSplit, $"{nameof(options)}.{nameof(FitOptions.ValidationSplit)}");
        _order = new EpochOrder(train.Count, options);
        train.CheckFits(model, "training data", nameof(train));
        _model = model;
        _optimizer = optimizer;
        Train = train;
        _workspace = model.CreateWorkspace(_order.BatchSize);
        _clock = new ScheduleClock(optimizer, _order.Options, _order.BatchesPerEpoch, nameof(optimizer));
        EarlyStopper = TrainingLoop.CreateStopper(_order.Options, model, hasAccuracy: false);
        _batchInputs = new float[_order.BatchSize * train.InputSize];
        _batchTargets = new float[_order.BatchSize * train.OutputSize];
    }

    /// <summary>The training set (without the <see cref="Validation"/> part when the options hold one out).</summary>
    public RegressionData Train { get; }

    /// <summary>The last <see cref="FitOptions.ValidationSplit"/> of the data the trainer was given, which <c>Fit</c> validates on; null without a split.</summary>
    public RegressionData? Validation { get; }

    /// <summary>Early stopping's settings and state (<see cref="FitOptions.EarlyStopping"/>), kept over the trainer's life; null without.</summary>
    public EarlyStopper? EarlyStopper { get; }

    /// <summary>Samples per step: the options' batch size, or the whole set if it is smaller.</summary>
    public int BatchSize => _workspace.Capacity;

    /// <summary>Steps in one epoch.</summary>
    public int BatchesPerEpoch => _order.BatchesPerEpoch;

    /// <summary>Epochs run so far, including one that stopped early.</summary>
    public int EpochsCompleted { get; private set; }

    /// <summary>Training steps taken so far: the 0-based number of the next step, whose rate a <see cref="FitOptions.Schedule"/> gives.</summary>
    public long Steps => _clock.Steps;

    /// <summary>One pass over the training set in a new random order, in training mode; stops at a non-finite loss.</summary>
    /// <remarks>With a <see cref="FitOptions.Schedule"/>, the options must give <see cref="FitOptions.ScheduledEpochs"/>, the run's length.</remarks>
    public EpochResult TrainEpoch(IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TrainEpoch(progress, _clock.TotalSteps(null), cancellationToken);

    private EpochResult TrainEpoch(IProgress<BatchProgress>? progress, long totalSteps, CancellationToken cancellationToken)
    {
        _clock.CheckPlan(totalSteps);
        long started = Stopwatch.GetTimestamp();
        int epoch = ++EpochsCompleted;
        _order.Reshuffle();
        int inputSize = Train.InputSize, outputSize = Train.OutputSize, batches = BatchesPerEpoch;
        double lossSum = 0;
        int seen = 0, batch = 0;
        bool diverged = false;
        for (int start = 0; start < _order.Count && !diverged; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(BatchSize, _order.Count - start);
            _order.Gather(Train.Inputs, inputSize, start, n, _batchInputs);
            _order.Gather(Train.Targets, outputSize, start, n, _batchTargets);
            _clock.BeforeStep(totalSteps);
            float loss = _model.TrainStep(_workspace, _batchInputs.AsSpan(0, n * inputSize), _batchTargets.AsSpan(0, n * outputSize), _optimizer);
            _clock.AfterStep();
            lossSum += (double)loss * n;
            seen += n;
            batch++;
            diverged = !float.IsFinite(loss);
            progress?.Report(new BatchProgress(epoch, batch, batches, seen, lossSum / seen, double.NaN, _optimizer.LearningRate));
        }
        return new EpochResult(epoch, batch, seen, lossSum / seen, double.NaN, Stopwatch.GetElapsedTime(started).TotalSeconds, diverged, _optimizer.LearningRate);
    }

    /// <summary>Runs <paramref name="epochs"/> epochs, evaluating <paramref name="validation"/> (if given) after each; see <see cref="ClassifierTrainer{TWorkspace}.Fit"/>.</summary>
    public TrainingHistory Fit(int epochs, RegressionData? validation = null, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        validation = TrainingLoop.ChooseValidation(validation, Validation, EarlyStopper, nameof(validation));
        validation?.CheckFits(_model, "validation data", nameof(validation));
        long totalSteps = _clock.TotalSteps(EpochsCompleted + epochs);
        return TrainingLoop.Run(epochs, () => TrainEpoch(progress, totalSteps, cancellationToken), validation is null ? null : () =>
        {
            RegressionEvaluation result = Evaluator.Evaluate(validation);
            return new TrainingLoop.Validation(result.Loss, null, result.Seconds);
        }, stopper: EarlyStopper, epochEnded: _order.Options.EpochEnded);
    }

    private RegressorEvaluator<TWorkspace> Evaluator => _evaluator ??= new RegressorEvaluator<TWorkspace>(_model, _order.Options.EvaluationBatchSize);
}
