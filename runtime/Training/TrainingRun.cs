using System.Diagnostics;
using ModelGen.Serialization;

namespace ModelGen.Training;

/// <summary>
/// The part of a run that every trainer shares: epochs of batches in the shuffled order, the step count and schedule,
/// the position inside the epoch, the history <c>Fit</c> records, and checkpoints of all of it. A trainer supplies
/// the step itself (<see cref="IStep"/>: gather the batch, one training step); nothing here allocates per step.
/// </summary>
internal sealed class TrainingRun
{
    /// <summary>A trainer's training step.</summary>
    public interface IStep
    {
        /// <summary>
        /// Gathers the <paramref name="n"/> samples from position <paramref name="start"/> of the epoch's order, takes one
        /// training step on them (step number <paramref name="step"/>), and returns the batch's mean loss before the step
        /// and how many of its samples the forward pass classified right (0 for a regressor).
        /// </summary>
        (float Loss, int Correct) Step(int start, int n, long step);
    }

    private readonly IModel _model;
    private readonly Optimizer _optimizer;
    private readonly string _kind;
    private readonly IStep _step;
    private readonly bool _hasAccuracy;
    private readonly EpochPosition _position = new();
    private readonly List<EpochRecord> _history = [];
    private readonly CheckpointOptions? _checkpoints;
    private long _epochStarted;

    /// <summary>A run of <paramref name="model"/> with the trainer's order, clock and early stopper; <paramref name="kind"/> names the trainer in checkpoints.</summary>
    public TrainingRun(IModel model, Optimizer optimizer, EpochOrder order, ScheduleClock clock, EarlyStopper? stopper, string kind, bool hasAccuracy, IStep step)
    {
        _model = model;
        _optimizer = optimizer;
        Order = order;
        Clock = clock;
        Stopper = stopper;
        _kind = kind;
        _hasAccuracy = hasAccuracy;
        _step = step;
        _checkpoints = order.Options.Checkpoint;
        if (_checkpoints is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(_checkpoints.Path, $"options.{nameof(FitOptions.Checkpoint)}.{nameof(CheckpointOptions.Path)}");
            ArgumentOutOfRangeException.ThrowIfNegative(_checkpoints.EverySteps, $"options.{nameof(FitOptions.Checkpoint)}.{nameof(CheckpointOptions.EverySteps)}");
        }
    }

    public EpochOrder Order { get; }

    public ScheduleClock Clock { get; }

    public EarlyStopper? Stopper { get; }

    /// <summary>Epochs started, one in progress included.</summary>
    public int EpochsCompleted { get; private set; }

    public bool EpochInProgress => _position.InProgress;

    public IReadOnlyList<EpochRecord> History => _history;

    /// <summary>One epoch, or the rest of the one in progress; see <see cref="ClassifierTrainer{TWorkspace}.TrainEpoch(IProgress{BatchProgress}, CancellationToken)"/>.</summary>
    public EpochResult TrainEpoch(IProgress<BatchProgress>? progress, long totalSteps, CancellationToken cancellationToken)
    {
        Clock.CheckPlan(totalSteps);
        if (!_position.InProgress)
        {
            ++EpochsCompleted;
            _position.Begin();
            Order.Reshuffle();
        }
        _epochStarted = Stopwatch.GetTimestamp();
        int epoch = EpochsCompleted, batches = Order.BatchesPerEpoch;
        bool diverged = false;
        try
        {
            // Each batch but the last holds BatchSize samples, so the next one starts where the samples seen end.
            while (_position.Seen < Order.Count && !diverged)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = _position.Seen, n = Math.Min(Order.BatchSize, Order.Count - start);
                Clock.BeforeStep(totalSteps);
                (float loss, int correct) = _step.Step(start, n, Clock.Steps);
                Clock.AfterStep();
                _position.Add(loss, n, correct);
                diverged = !float.IsFinite(loss);
                // From here to the next step the run is between steps: a report may write a checkpoint.
                progress?.Report(new BatchProgress(epoch, _position.Batches, batches, _position.Seen, _position.Loss, Accuracy, _optimizer.LearningRate));
                if (_checkpoints is { EverySteps: > 0 } every && Clock.Steps % every.EverySteps == 0 && !diverged) WriteOwnCheckpoint();
            }
        }
        finally
        {
            _position.Seconds += Stopwatch.GetElapsedTime(_epochStarted).TotalSeconds;
            _epochStarted = 0;
        }
        _position.InProgress = false;
        return new EpochResult(epoch, _position.Batches, _position.Seen, _position.Loss, Accuracy, _position.Seconds, diverged, _optimizer.LearningRate);
    }

    private double Accuracy => _hasAccuracy ? _position.Accuracy : double.NaN;

    /// <summary>The total steps a Fit of <paramref name="epochs"/> epochs plans for (the first finishing the one in progress).</summary>
    public long PlanFit(int epochs) => Clock.TotalSteps(EpochsCompleted - (EpochInProgress ? 1 : 0) + epochs);

    /// <summary>After each epoch of a Fit, once its record is complete: kept in the history, and checkpointed.</summary>
    public void Recorded(EpochRecord record)
    {
        _history.Add(record);
        if (_checkpoints is not null) WriteOwnCheckpoint();
    }

    public void WriteCheckpoint(Stream stream, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Capture(metadata).Write(stream);
    }

    public void SaveCheckpoint(string path, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckpointFile file = Capture(metadata);
        AtomicFile.Write(path, file.Write);
    }

    public IReadOnlyDictionary<string, string> ResumeFrom(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        TrainerCheckpoint.Restore restore = TrainerCheckpoint.Read(path, _model, _optimizer, _kind, Order, Stopper);
        restore.Apply(_model, _optimizer, Order, Clock, _position, Stopper);
        EpochsCompleted = restore.Epochs;
        _history.Clear();
        _history.AddRange(restore.History);
        return restore.App;
    }

    private CheckpointFile Capture(IReadOnlyDictionary<string, string>? metadata)
    {
        // Mid-epoch, the seconds so far include this call's.
        double seconds = _position.Seconds + (_epochStarted != 0 ? Stopwatch.GetElapsedTime(_epochStarted).TotalSeconds : 0);
        return TrainerCheckpoint.Capture(_model, _optimizer,
            new TrainerCheckpoint.TrainerState(_kind, Order, Clock, _position, EpochsCompleted, seconds, _history, Stopper), metadata);
    }

    private void WriteOwnCheckpoint() => SaveCheckpoint(_checkpoints!.Path, _checkpoints.Metadata?.Invoke());
}
