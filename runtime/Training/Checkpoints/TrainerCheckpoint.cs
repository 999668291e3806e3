using System.Globalization;
using ModelGen.Serialization;

namespace ModelGen.Training;

/// <summary>
/// What a trainer's checkpoint holds, and the checks that refuse one that does not belong to the run resuming it.
/// Everything the rest of a run depends on is in it: the model's parameters, running statistics, counters and
/// dropout generator; the optimizer's buffers, step count, rate and momentum term; the schedule's position (the
/// step number, of which the rate is a function); the shuffle generator and the epoch's order; the position inside
/// the epoch with its running sums; the history so far; and, with early stopping, its <see cref="EarlyStoppingState"/>
/// (best epoch and value, epochs without improvement, stop epoch, best weights). Augmentation needs nothing: its draws
/// come from the seed and the step number alone.
/// </summary>
/// <remarks>
/// The file (see <see cref="CheckpointFile"/>) holds the tensors <c>model.parameters</c>, <c>model.state</c> and
/// <c>model.counters</c> (flat, in the model's own order; the last two only for models that have them),
/// <c>optimizer.{name}</c> for each buffer the optimizer has made (PyTorch's names: <c>exp_avg</c>, <c>exp_avg_sq</c>,
/// <c>momentum_buffer</c>) and <c>trainer.order</c> (I32), and the metadata entries named by the constants below, numbers
/// written so that they read back to the same bits. With early stopping, the tensors <c>early_stopping.best_parameters</c>,
/// <c>early_stopping.best_state</c> and <c>early_stopping.best_counters</c> (those that are not empty) and the entries
/// <c>early_stopping.best_epoch</c>, <c>.best_value</c>, <c>.epochs_without_improvement</c> and <c>.stopped_epoch</c>. A program's
/// own entries go under <c>app.</c>.
/// </remarks>
internal static class TrainerCheckpoint
{
    private const string Parameters = "model.parameters", State = "model.state", Counters = "model.counters", Order = "trainer.order";
    private const string Spec = "modelgen.spec", TrainingRandom = "model.training_random";
    private const string OptimizerType = "optimizer", OptimizerSteps = "optimizer.steps", LearningRate = "optimizer.learning_rate",
        Momentum = "optimizer.momentum", LastNorm = "optimizer.last_gradient_norm";
    private const string Kind = "trainer.kind", Samples = "trainer.samples", BatchSize = "trainer.batch_size", Seed = "trainer.seed", Shuffle = "trainer.shuffle",
        Steps = "trainer.steps", Epochs = "trainer.epochs", InProgress = "trainer.epoch_in_progress", Batches = "trainer.epoch_batches",
        Seen = "trainer.epoch_seen", LossSum = "trainer.epoch_loss_sum", Correct = "trainer.epoch_correct", Seconds = "trainer.epoch_seconds",
        ShuffleRandom = "trainer.shuffle_random", History = "trainer.history";
    private const string BestEpoch = "early_stopping.best_epoch", BestValue = "early_stopping.best_value", Wait = "early_stopping.epochs_without_improvement",
        StoppedEpoch = "early_stopping.stopped_epoch", BestParameters = "early_stopping.best_parameters", BestState = "early_stopping.best_state",
        BestCounters = "early_stopping.best_counters";

    /// <summary>The prefix of a program's own metadata entries.</summary>
    public const string AppPrefix = "app.";

    /// <summary>The trainer state a checkpoint saves, besides the model and optimizer.</summary>
    public sealed record TrainerState(string Kind, EpochOrder Order, ScheduleClock Clock, EpochPosition Position, int Epochs, double EpochSeconds,
        IReadOnlyList<EpochRecord> History, EarlyStopper? Stopper = null);

    /// <summary>A checkpoint of the run as it is now.</summary>
    public static CheckpointFile Capture(IModel model, Optimizer optimizer, TrainerState trainer, IReadOnlyDictionary<string, string>? app)
    {
        var file = new CheckpointFile();
        file.Add(Parameters, model.Parameters);
        if (model.State.Length > 0) file.Add(State, model.State);
        if (model.Counters.Length > 0) file.Add(Counters, model.Counters);
        foreach (string name in optimizer.StateNames)
            if (optimizer.StateBuffer(name) is { } buffer) file.Add("optimizer." + name, buffer);
        file.Add(Order, trainer.Order.Order);

        var m = file.Metadata;
        m[Spec] = model.Spec;
        if (model.TrainingRandom is { } random) m[TrainingRandom] = Words(random);
        m[OptimizerType] = optimizer.GetType().Name;
        m[OptimizerSteps] = Text(optimizer.Steps);
        m[LearningRate] = Text(optimizer.LearningRate);
        if (optimizer is IMomentumOptimizer momentum) m[Momentum] = Text(momentum.Momentum);
        m[LastNorm] = Text(optimizer.LastGradientNorm);
        FitOptions options = trainer.Order.Options;
        m[Kind] = trainer.Kind;
        m[Samples] = Text(trainer.Order.Count);
        m[BatchSize] = Text(trainer.Order.BatchSize);
        m[Seed] = Text(options.Seed);
        m[Shuffle] = options.Shuffle ? "true" : "false";
        m[Steps] = Text(trainer.Clock.Steps);
        m[Epochs] = Text(trainer.Epochs);
        EpochPosition position = trainer.Position;
        m[InProgress] = position.InProgress ? "true" : "false";
        m[Batches] = Text(position.Batches);
        m[Seen] = Text(position.Seen);
        m[LossSum] = Text(position.LossSum);
        m[Correct] = Text(position.Correct);
        m[Seconds] = Text(trainer.EpochSeconds);
        m[ShuffleRandom] = Words(trainer.Order.Random);
        m[History] = HistoryJson.Write(trainer.History);
        if (trainer.Stopper?.State is { } stopping)
        {
            m[BestEpoch] = Text(stopping.BestEpoch);
            m[BestValue] = Text(stopping.BestValue);
            m[Wait] = Text(stopping.EpochsWithoutImprovement);
            m[StoppedEpoch] = Text(stopping.StoppedEpoch);
            if (stopping.BestParameters.Length > 0) file.Add(BestParameters, stopping.BestParameters);
            if (stopping.BestState.Length > 0) file.Add(BestState, stopping.BestState);
            if (stopping.BestCounters.Length > 0) file.Add(BestCounters, stopping.BestCounters);
        }
        foreach (var (key, value) in app ?? new Dictionary<string, string>())
        {
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(app));
            ArgumentNullException.ThrowIfNull(value, nameof(app));
            m[AppPrefix + key] = value;
        }
        return file;
    }

    /// <summary>
    /// Reads <paramref name="path"/> and checks it against this run: the same network, optimizer, training set size,
    /// batch size, seed and shuffling. Nothing is changed until <see cref="Restore.Apply"/>; a refused file throws a
    /// <see cref="ModelFileException"/> whose one-line message names the file and what does not match.
    /// </summary>
    public static Restore Read(string path, IModel model, Optimizer optimizer, string kind, EpochOrder order, EarlyStopper? stopper = null)
    {
        CheckpointFile file = CheckpointFile.Read(path);
        string spec = file.Text(Spec);
        if (spec != model.Spec)
            throw file.Refuse($"the checkpoint is of another network ({spec}), not this {model.GetType().Name} ({model.Spec})");
        string optimizerType = file.Text(OptimizerType);
        if (optimizerType != optimizer.GetType().Name)
            throw file.Refuse($"the checkpoint was written with the {optimizerType} optimizer; this run has {optimizer.GetType().Name}: resume with the same optimizer");
        if (file.Text(Kind) != kind)
            throw file.Refuse($"the checkpoint is of a {file.Text(Kind)} trainer, not a {kind} one");
        Same(file, Samples, order.Count, "training samples");
        Same(file, BatchSize, order.BatchSize, "the batch size");
        if (file.Text(Seed) != Text(order.Options.Seed))
            throw file.Refuse($"the checkpoint was written with seed {file.Text(Seed)}; this run has seed {Text(order.Options.Seed)}: resume with the same seed");
        if (file.Text(Shuffle) != (order.Options.Shuffle ? "true" : "false"))
            throw file.Refuse($"the checkpoint was written with shuffling {(order.Options.Shuffle ? "off" : "on")}; this run has it {(order.Options.Shuffle ? "on" : "off")}");

        var restore = new Restore
        {
            Parameters = file.Floats(Parameters, model.Parameters.Length, "the model's parameters"),
            State = model.State.Length > 0 ? file.Floats(State, model.State.Length, "the model's running statistics") : [],
            Counters = model.Counters.Length > 0 ? file.Longs(Counters, model.Counters.Length, "the model's counters") : [],
            Order = file.Ints(Order, order.Count, "the training set"),
            OptimizerSteps = file.Integer(OptimizerSteps),
            LearningRate = (float)file.Number(LearningRate),
            Momentum = optimizer is IMomentumOptimizer ? (float)file.Number(Momentum) : null,
            LastGradientNorm = (float)file.Number(LastNorm),
            Steps = file.Integer(Steps),
            Epochs = checked((int)file.Integer(Epochs)),
            InProgress = file.Text(InProgress) == "true",
            Batches = checked((int)file.Integer(Batches)),
            Seen = checked((int)file.Integer(Seen)),
            LossSum = file.Number(LossSum),
            Correct = checked((int)file.Integer(Correct)),
            EpochSeconds = file.Number(Seconds),
            ShuffleRandom = FromWords(file, ShuffleRandom),
            History = HistoryJson.Read(file, file.Text(History), History),
            App = file.Metadata.Where(e => e.Key.StartsWith(AppPrefix, StringComparison.Ordinal))
                .ToDictionary(e => e.Key[AppPrefix.Length..], e => e.Value, StringComparer.Ordinal),
        };
        foreach (float value in restore.Parameters)
            if (!float.IsFinite(value)) throw file.Refuse("the checkpoint's parameters are not all finite numbers: it was written after training diverged");
        if (model.TrainingRandom is not null) restore.TrainingRandom = FromWords(file, TrainingRandom);
        foreach (string name in optimizer.StateNames)
            if (file.Has("optimizer." + name)) restore.OptimizerBuffers[name] = file.Floats("optimizer." + name, model.Parameters.Length, "the optimizer's " + name);
        restore.Stopping = ReadStopping(file, stopper);
        if (!IsPermutation(restore.Order))
            throw file.Refuse("tensor 'trainer.order' is not an order of the training samples");
        if (restore.Seen < 0 || restore.Seen > order.Count || restore.Batches < 0 || restore.Epochs < 0 || restore.Steps < 0 || restore.OptimizerSteps < 0)
            throw file.Refuse("the checkpoint's position in the epoch is out of range");
        return restore;
    }

    // Early stopping's state when this run has early stopping (the file must then have it too, and the reverse), with buffers
    // of this stopper's lengths.
    private static EarlyStoppingState? ReadStopping(CheckpointFile file, EarlyStopper? stopper)
    {
        bool saved = file.Metadata.ContainsKey(BestEpoch);
        if (stopper is null)
        {
            if (saved) throw file.Refuse("the checkpoint was written by a run with early stopping; this one has none: resume with the same options");
            return null;
        }
        if (!saved) throw file.Refuse("the checkpoint was written by a run without early stopping; this one has it: resume with the same options");
        EarlyStoppingState own = stopper.State;
        var state = new EarlyStoppingState(own.BestParameters.Length, own.BestState.Length, own.BestCounters.Length)
        {
            BestEpoch = checked((int)file.Integer(BestEpoch)),
            BestValue = file.Number(BestValue),
            EpochsWithoutImprovement = checked((int)file.Integer(Wait)),
            StoppedEpoch = checked((int)file.Integer(StoppedEpoch)),
        };
        if (state.BestEpoch < 0 || state.EpochsWithoutImprovement < 0 || state.StoppedEpoch < 0)
            throw file.Refuse("the checkpoint's early-stopping state is out of range");
        if (own.BestParameters.Length > 0) file.Floats(BestParameters, own.BestParameters.Length, "early stopping's best parameters").CopyTo(state.BestParameters, 0);
        if (own.BestState.Length > 0) file.Floats(BestState, own.BestState.Length, "early stopping's best running statistics").CopyTo(state.BestState, 0);
        if (own.BestCounters.Length > 0) file.Longs(BestCounters, own.BestCounters.Length, "early stopping's best counters").CopyTo(state.BestCounters, 0);
        return state;
    }

    private static void Same(CheckpointFile file, string key, long expected, string what)
    {
        long saved = file.Integer(key);
        if (saved != expected)
            throw file.Refuse($"the checkpoint was written for {saved:N0} as {what}; this run has {expected:N0}: resume with the same data and options");
    }

    private static bool IsPermutation(int[] order)
    {
        var seen = new bool[order.Length];
        foreach (int i in order)
        {
            if ((uint)i >= (uint)order.Length || seen[i]) return false;
            seen[i] = true;
        }
        return true;
    }

    /// <summary>A checkpoint read and checked, to be applied to the run it was checked against.</summary>
    public sealed class Restore
    {
        public required float[] Parameters { get; init; }
        public required float[] State { get; init; }
        public required long[] Counters { get; init; }
        public required int[] Order { get; init; }
        public Xoshiro256StarStar? TrainingRandom { get; set; }
        public Dictionary<string, float[]> OptimizerBuffers { get; } = new(StringComparer.Ordinal);
        public required long OptimizerSteps { get; init; }
        public required float LearningRate { get; init; }
        public required float? Momentum { get; init; }
        public required float LastGradientNorm { get; init; }
        public required long Steps { get; init; }
        public required int Epochs { get; init; }
        public required bool InProgress { get; init; }
        public required int Batches { get; init; }
        public required int Seen { get; init; }
        public required double LossSum { get; init; }
        public required int Correct { get; init; }
        public required double EpochSeconds { get; init; }
        public required Xoshiro256StarStar ShuffleRandom { get; init; }
        public required List<EpochRecord> History { get; init; }

        /// <summary>Early stopping's state, for a run with early stopping.</summary>
        public EarlyStoppingState? Stopping { get; set; }

        /// <summary>The program's own entries, without their prefix.</summary>
        public required Dictionary<string, string> App { get; init; }

        /// <summary>Puts everything back; returns nothing that could fail half-way (every value was checked by <see cref="Read"/>).</summary>
        public void Apply(IModel model, Optimizer optimizer, EpochOrder order, ScheduleClock clock, EpochPosition position, EarlyStopper? stopper = null)
        {
            Parameters.CopyTo(model.Parameters, 0);
            State.CopyTo(model.State, 0);
            Counters.CopyTo(model.Counters, 0);
            if (TrainingRandom is { } random) model.TrainingRandom = random;
            foreach (string name in optimizer.StateNames)
                optimizer.StateBuffer(name) = OptimizerBuffers.TryGetValue(name, out float[]? values) ? values : null;
            optimizer.RestoreCounters(OptimizerSteps, LastGradientNorm);
            optimizer.LearningRate = LearningRate;
            if (Momentum is { } momentum && optimizer is IMomentumOptimizer cycled) cycled.Momentum = momentum;
            Order.CopyTo(order.Order, 0);
            order.Random = ShuffleRandom;
            clock.Steps = Steps;
            position.InProgress = InProgress;
            position.Batches = Batches;
            position.Seen = Seen;
            position.LossSum = LossSum;
            position.Correct = Correct;
            position.Seconds = EpochSeconds;
            if (Stopping is not null) stopper?.State.CopyFrom(Stopping);
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    // "R": the shortest text that reads back to the same double, so sums resume bit for bit.
    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Words(Xoshiro256StarStar random)
    {
        Span<ulong> words = stackalloc ulong[Xoshiro256StarStar.StateWords];
        random.GetState(words);
        return string.Join(' ', words.ToArray().Select(w => w.ToString("x16", CultureInfo.InvariantCulture)));
    }

    private static Xoshiro256StarStar FromWords(CheckpointFile file, string key)
    {
        string[] parts = file.Text(key).Split(' ');
        var words = new ulong[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!ulong.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out words[i]))
                throw file.Refuse($"its '{key}' entry is not a generator's state");
        try
        {
            return Xoshiro256StarStar.FromState(words);
        }
        catch (ArgumentException)
        {
            throw file.Refuse($"its '{key}' entry is not a generator's state");
        }
    }
}
