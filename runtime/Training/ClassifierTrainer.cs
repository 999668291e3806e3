using ModelGen.Serialization;

namespace ModelGen.Training;

/// <summary>
/// Keras' <c>fit</c> for any generated classifier: epochs of mini-batches drawn from a fresh shuffle of
/// the training set, an optional validation pass after each, progress after each step, and a history.
/// Bound to one model, optimizer and training set: the batch buffers, the shuffle order and the
/// workspace are allocated once, so a step allocates nothing. Everything random comes from
/// xoshiro256** (the shuffles here, the weights and dropout masks in the model), and the kernels give
/// the same bits at any thread count, so the same seeds give bit-identical parameters and history.
/// </summary>
/// <typeparam name="TWorkspace">The model's own <c>Workspace</c> class.</typeparam>
public sealed class ClassifierTrainer<TWorkspace> : TrainingRun.IStep where TWorkspace : IWorkspace
{
    /// <summary>
    /// XORed into <see cref="FitOptions.Seed"/>: keeps the shuffle stream apart from a model initialised
    /// with the same seed. ("SHUFFLE!"; the MNIST sample's runs since its first release depend on it.)
    /// </summary>
    public const ulong ShuffleStream = EpochOrder.ShuffleStream;

    private readonly IClassifier<TWorkspace> _model;
    private readonly Optimizer _optimizer;
    private readonly TWorkspace _workspace;
    private readonly EpochOrder _order;
    private readonly ScheduleClock _clock;
    private readonly float[] _batchInputs;
    private readonly int[] _batchLabels;
    private readonly ImageAugmenter? _augmenter;
    private readonly TrainingRun _run;
    private ClassifierEvaluator<TWorkspace>? _evaluator;

    /// <summary>Prepares to train <paramref name="model"/> with <paramref name="optimizer"/> on <paramref name="train"/>.</summary>
    public ClassifierTrainer(IClassifier<TWorkspace> model, Optimizer optimizer, LabeledData train, FitOptions? options = null)
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
        float smoothing = _order.Options.LabelSmoothing;
        Losses.CheckLabelSmoothing(smoothing, nameof(FitOptions.LabelSmoothing));
        if (smoothing != 0f)
        {
            if (_workspace is not IClassifierWorkspace classifier)
                throw new ArgumentException($"{typeof(TWorkspace).Name} has no label smoothing: it is not a generated classifier's workspace.", nameof(options));
            classifier.LabelSmoothing = smoothing;
        }
        _clock = new ScheduleClock(optimizer, _order.Options, _order.BatchesPerEpoch, nameof(optimizer));
        EarlyStopper = TrainingLoop.CreateStopper(_order.Options, model, hasAccuracy: true);
        _run = new TrainingRun(model, optimizer, _order, _clock, EarlyStopper, Kind, hasAccuracy: true, this);
        _batchInputs = new float[_order.BatchSize * train.InputSize];
        _batchLabels = new int[_order.BatchSize];
        if (_order.Options.Augmentation is { IsActive: true } augmentation)
        {
            if (model.Layers.Count == 0) throw new ArgumentException("Image augmentation needs a model whose input is an image; this one has no layers.", nameof(options));
            _augmenter = new ImageAugmenter(augmentation, model.Layers[0].Input, _order.Options.Seed);
        }
    }

    /// <summary>The augmenter of the training batches, or null without <see cref="FitOptions.Augmentation"/>.</summary>
    public ImageAugmenter? Augmenter => _augmenter;

    /// <summary>The training set (without the <see cref="Validation"/> part when the options hold one out).</summary>
    public LabeledData Train { get; }

    /// <summary>The last <see cref="FitOptions.ValidationSplit"/> of the data the trainer was given, which <c>Fit</c> validates on; null without a split.</summary>
    public LabeledData? Validation { get; }

    /// <summary>Early stopping's settings and state (<see cref="FitOptions.EarlyStopping"/>), kept over the trainer's life; null without.</summary>
    public EarlyStopper? EarlyStopper { get; }

    /// <summary>Samples per step: the options' batch size, or the whole set if it is smaller.</summary>
    public int BatchSize => _workspace.Capacity;

    /// <summary>Steps in one epoch.</summary>
    public int BatchesPerEpoch => _order.BatchesPerEpoch;

    /// <summary>Epochs started so far, including one that stopped early and one still in progress.</summary>
    public int EpochsCompleted => _run.EpochsCompleted;

    /// <summary>
    /// Whether an epoch has started and not ended (a cancelled <see cref="TrainEpoch(IProgress{BatchProgress}, CancellationToken)"/>, a progress report, or a checkpoint
    /// written mid-epoch): the next <see cref="TrainEpoch(IProgress{BatchProgress}, CancellationToken)"/> or <c>Fit</c> epoch goes on with it, from its next batch.
    /// </summary>
    public bool EpochInProgress => _run.EpochInProgress;

    /// <summary>Training steps taken so far: the 0-based number of the next step, whose rate a <see cref="FitOptions.Schedule"/> gives.</summary>
    public long Steps => _clock.Steps;

    /// <summary>Every epoch <c>Fit</c> has recorded over the trainer's life, those of the run a checkpoint resumed included.</summary>
    public IReadOnlyList<EpochRecord> History => _run.History;

    /// <summary>
    /// One pass over the training set in a new random order, in training mode (or the rest of the epoch in progress,
    /// see <see cref="EpochInProgress"/>). <paramref name="progress"/> gets the running figures after every step. A step
    /// whose loss is NaN or infinite ends the epoch there, with <see cref="EpochResult.Diverged"/> set: nothing after it could recover.
    /// </summary>
    /// <remarks>With a <see cref="FitOptions.Schedule"/>, the options must give <see cref="FitOptions.ScheduledEpochs"/>, the run's length.</remarks>
    public EpochResult TrainEpoch(IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TrainEpoch(progress, _clock.TotalSteps(null), cancellationToken);

    private EpochResult TrainEpoch(IProgress<BatchProgress>? progress, long totalSteps, CancellationToken cancellationToken) =>
        _run.TrainEpoch(progress, totalSteps, cancellationToken);

    (float Loss, int Correct) TrainingRun.IStep.Step(int start, int n, long step)
    {
        int size = Train.InputSize;
        _order.Gather(Train.Inputs, size, start, n, _batchInputs);
        _order.Gather(Train.Labels, 1, start, n, _batchLabels);
        ReadOnlySpan<int> labels = _batchLabels.AsSpan(0, n);
        // Drawn from the seed and the step number alone: a resumed run augments its batches as an uninterrupted one.
        _augmenter?.Apply(_batchInputs.AsSpan(0, n * size), n, step);
        float loss = _model.TrainStep(_workspace, _batchInputs.AsSpan(0, n * size), labels, _optimizer);
        // The workspace still holds this batch's forward pass, from before the update: the
        // running accuracy is the one Keras shows.
        return (loss, _model.CountCorrect(_workspace, labels));
    }

    /// <summary>
    /// Runs <paramref name="epochs"/> epochs (the first finishing the one in progress, if any), evaluating
    /// <paramref name="validation"/> (if given, else the trainer's <see cref="Validation"/> split) in inference mode after each,
    /// then <see cref="FitOptions.EarlyStopping"/>'s check and <see cref="FitOptions.EpochEnded"/>. Stops early, saying why in
    /// the history, when a loss is NaN or infinite, when early stopping's patience runs out or when a callback asks; with early
    /// stopping the model ends with its best epoch's weights. Cancellation throws OperationCanceledException between steps. With
    /// <see cref="FitOptions.Checkpoint"/>, writes a checkpoint after each epoch's validation pass and early stopping's check
    /// (early stopping's state, best weights included, is part of it).
    /// </summary>
    /// <remarks>After <see cref="ResumeFrom"/>, Fit(E − k) ends a run of E epochs whose checkpoint was written in or after epoch k (k = <see cref="EpochsCompleted"/> with an epoch in progress, else k + 1).</remarks>
    public TrainingHistory Fit(int epochs, LabeledData? validation = null, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        validation = TrainingLoop.ChooseValidation(validation, Validation, EarlyStopper, nameof(validation));
        // Checked before the first step, not after an epoch's work.
        validation?.CheckFits(_model, "validation data", nameof(validation));
        long totalSteps = _run.PlanFit(epochs);
        return TrainingLoop.Run(epochs, () => TrainEpoch(progress, totalSteps, cancellationToken), validation is null ? null : () =>
        {
            EvaluationResult result = Evaluator.Evaluate(validation);
            return new TrainingLoop.Validation(result.Loss, result.Accuracy, result.Seconds);
        }, _run.Recorded, EarlyStopper, _order.Options.EpochEnded);
    }

    /// <summary>
    /// Writes a checkpoint of the run to <paramref name="stream"/>: everything the rest of the run depends on, so that a
    /// trainer made the same way and <see cref="ResumeFrom"/> this file goes on exactly as this one will. Call it between
    /// steps: when <see cref="TrainEpoch(IProgress{BatchProgress}, CancellationToken)"/> or <c>Fit</c> has returned, or from a progress report (each comes after a step).
    /// The format: a safetensors file with flat tensors and its metadata, described in the README's "Checkpoints".
    /// </summary>
    /// <param name="stream">Where the file goes.</param>
    /// <param name="metadata">A program's own entries to keep with it (its log, its own history); <see cref="ResumeFrom"/> gives them back.</param>
    public void WriteCheckpoint(Stream stream, IReadOnlyDictionary<string, string>? metadata = null) => _run.WriteCheckpoint(stream, metadata);

    /// <summary>Writes a checkpoint (see <see cref="WriteCheckpoint"/>) to <paramref name="path"/> atomically: a crash or kill while it is written leaves the previous file.</summary>
    public void SaveCheckpoint(string path, IReadOnlyDictionary<string, string>? metadata = null) => _run.SaveCheckpoint(path, metadata);

    /// <summary>
    /// Puts the run back where the checkpoint at <paramref name="path"/> left it: the model, the optimizer, the schedule's
    /// position, the shuffle, the position in the epoch and the history. The trainer must be made as the one that wrote it
    /// (the same network, optimizer type, training set size, batch size, seed and shuffling; the rest of the options are the
    /// caller's to keep the same). The file is checked whole before anything changes; a damaged file, or one from another
    /// run, throws a <see cref="ModelFileException"/> whose one-line message says what does not match.
    /// </summary>
    /// <returns>The program's own entries saved with the checkpoint.</returns>
    public IReadOnlyDictionary<string, string> ResumeFrom(string path) => _run.ResumeFrom(path);

    private const string Kind = "classifier";

    // Made on first use: a trainer without validation never holds the evaluation workspace.
    private ClassifierEvaluator<TWorkspace> Evaluator => _evaluator ??= new ClassifierEvaluator<TWorkspace>(_model, _order.Options.EvaluationBatchSize);
}
