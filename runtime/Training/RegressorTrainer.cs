namespace ModelGen.Training;

/// <summary>
/// Keras' <c>fit</c> for any generated regressor (mean squared error): the same epochs, shuffles, seeds,
/// validation, progress, history and early stop as <see cref="ClassifierTrainer{TWorkspace}"/>, on
/// target values instead of labels. Accuracies are NaN in its progress and history: a regressor has no
/// classes. Its batch buffers are allocated once, so a step allocates nothing.
/// </summary>
/// <typeparam name="TWorkspace">The model's own <c>Workspace</c> class.</typeparam>
public sealed class RegressorTrainer<TWorkspace> : TrainingRun.IStep where TWorkspace : IWorkspace
{
    private readonly IRegressor<TWorkspace> _model;
    private readonly Optimizer _optimizer;
    private readonly TWorkspace _workspace;
    private readonly EpochOrder _order;
    private readonly ScheduleClock _clock;
    private readonly float[] _batchInputs;
    private readonly float[] _batchTargets;
    private readonly TrainingRun _run;
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
        _run = new TrainingRun(model, optimizer, _order, _clock, EarlyStopper, "regressor", hasAccuracy: false, this);
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

    /// <summary>Epochs started so far, including one that stopped early and one still in progress.</summary>
    public int EpochsCompleted => _run.EpochsCompleted;

    /// <summary>Whether an epoch has started and not ended; see <see cref="ClassifierTrainer{TWorkspace}.EpochInProgress"/>.</summary>
    public bool EpochInProgress => _run.EpochInProgress;

    /// <summary>Training steps taken so far: the 0-based number of the next step, whose rate a <see cref="FitOptions.Schedule"/> gives.</summary>
    public long Steps => _clock.Steps;

    /// <summary>Every epoch <c>Fit</c> has recorded over the trainer's life, those of the run a checkpoint resumed included.</summary>
    public IReadOnlyList<EpochRecord> History => _run.History;

    /// <summary>One pass over the training set in a new random order (or the rest of the epoch in progress), in training mode; stops at a non-finite loss.</summary>
    /// <remarks>With a <see cref="FitOptions.Schedule"/>, the options must give <see cref="FitOptions.ScheduledEpochs"/>, the run's length.</remarks>
    public EpochResult TrainEpoch(IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _run.TrainEpoch(progress, _clock.TotalSteps(null), cancellationToken);

    (float Loss, int Correct) TrainingRun.IStep.Step(int start, int n, long step)
    {
        int inputSize = Train.InputSize, outputSize = Train.OutputSize;
        _order.Gather(Train.Inputs, inputSize, start, n, _batchInputs);
        _order.Gather(Train.Targets, outputSize, start, n, _batchTargets);
        return (_model.TrainStep(_workspace, _batchInputs.AsSpan(0, n * inputSize), _batchTargets.AsSpan(0, n * outputSize), _optimizer), 0);
    }

    /// <summary>Runs <paramref name="epochs"/> epochs, evaluating <paramref name="validation"/> (if given) after each; see <see cref="ClassifierTrainer{TWorkspace}.Fit"/>.</summary>
    public TrainingHistory Fit(int epochs, RegressionData? validation = null, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        validation = TrainingLoop.ChooseValidation(validation, Validation, EarlyStopper, nameof(validation));
        validation?.CheckFits(_model, "validation data", nameof(validation));
        long totalSteps = _run.PlanFit(epochs);
        return TrainingLoop.Run(epochs, () => _run.TrainEpoch(progress, totalSteps, cancellationToken), validation is null ? null : () =>
        {
            RegressionEvaluation result = Evaluator.Evaluate(validation);
            return new TrainingLoop.Validation(result.Loss, null, result.Seconds);
        }, _run.Recorded, EarlyStopper, _order.Options.EpochEnded);
    }

    /// <summary>Writes a checkpoint of the run; see <see cref="ClassifierTrainer{TWorkspace}.WriteCheckpoint"/>.</summary>
    public void WriteCheckpoint(Stream stream, IReadOnlyDictionary<string, string>? metadata = null) => _run.WriteCheckpoint(stream, metadata);

    /// <summary>Writes a checkpoint to <paramref name="path"/> atomically; see <see cref="ClassifierTrainer{TWorkspace}.SaveCheckpoint"/>.</summary>
    public void SaveCheckpoint(string path, IReadOnlyDictionary<string, string>? metadata = null) => _run.SaveCheckpoint(path, metadata);

    /// <summary>Puts the run back where a checkpoint left it; see <see cref="ClassifierTrainer{TWorkspace}.ResumeFrom"/>.</summary>
    public IReadOnlyDictionary<string, string> ResumeFrom(string path) => _run.ResumeFrom(path);

    private RegressorEvaluator<TWorkspace> Evaluator => _evaluator ??= new RegressorEvaluator<TWorkspace>(_model, _order.Options.EvaluationBatchSize);
}
