using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Output;
using ModelGen.Samples.Mnist.Plots;
using ModelGen.Samples.Mnist.Training;
using ModelGen.Training;
using Spectre.Console;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary>
/// <c>train</c>: gets MNIST, trains the network with a progress bar per epoch, tests it after
/// every epoch, and writes the model, metrics.json and three figures into the output folder.
/// </summary>
public sealed class TrainCommand
{
    private readonly IAnsiConsole _console;
    private readonly DataOptions _data = new();

    private readonly Option<string> _network = new("--network", "-n")
    {
        Description = "The network, each with its recipe (seed 42, MNIST test accuracy): mlp (784 → 128 ReLU → 10 softmax; Adam 1e-3, batch 32, 10 epochs: 97.55 %), " +
            "cnn (Keras' convnet: two 3×3 convolutions with max pooling, dropout, softmax; Adam on one cycle up to 3e-3, batch 128, 15 epochs, random crops after padding 2: 99.42 %) " +
            "or resnet (ResNet-20: residual blocks with BatchNormalization, global average pooling, softmax; Nesterov SGD on one cycle up to 0.1, weight decay 5e-4, batch 128, 10 epochs: 99.61 %; " +
            "on Fashion-MNIST 30 epochs with crops, flips and random erasing: 94.46 %).",
        HelpName = MnistNetwork.Names,
        DefaultValueFactory = _ => MnistNetwork.Default.Name,
    };

    // No default values here: each network has its own recipe, and only what the user gives overrides it.
    private readonly Option<int?> _epochs = new("--epochs", "-e")
    {
        Description = $"Passes over the training set. Default: {TrainingOptions.Default.Epochs} for mlp, {TrainingOptions.ConvNet.Epochs} for cnn, {TrainingOptions.ResNet.Epochs} for resnet " +
            $"({TrainingOptions.ResNetFashion.Epochs} on Fashion-MNIST, which the sample recognises by its labels).",
    };

    private readonly Option<int?> _batchSize = new("--batch-size", "-b")
    {
        Description = $"Images per training step (the last batch of an epoch holds the remainder). Default: {TrainingOptions.Default.BatchSize} for mlp, {TrainingOptions.ConvNet.BatchSize} for cnn, {TrainingOptions.ResNet.BatchSize} for resnet.",
    };

    private readonly Option<double?> _learningRate = new("--learning-rate", "--lr")
    {
        Description = "Step size; with a --schedule, its peak (step: its first rate). Default: 0.001 for adam and adamw, 0.01 for sgd; 0.1 in resnet's recipe.",
    };

    private readonly Option<string> _optimizer = new("--optimizer")
    {
        Description = "The optimizer: adam (Keras' defaults), sgd (plain, or with --momentum, --weight-decay, --nesterov) or adamw (Adam with PyTorch's decoupled weight decay). " +
            "Default: the network's recipe, adam for mlp and cnn; for resnet sgd with Nesterov momentum, weight decay 0.0005 and --schedule onecycle up to 0.1. " +
            "Another optimizer starts from its own defaults.",
        HelpName = "adam|sgd|adamw",
    };

    private readonly Option<string> _schedule = new("--schedule")
    {
        Description = "How the learning rate moves, step by step: constant; step (×--gamma every --step-every epochs, PyTorch's StepLR); " +
            "cosine (linear warm-up over --warmup-epochs from 1 % of the rate, then cosine down to --min-lr); " +
            "onecycle (PyTorch's OneCycleLR: from rate/25 up to the rate over 30 % of the steps, then down to rate/250000; it also moves sgd's momentum and adam's β1 from 0.95 to 0.85 and back). Default: constant; onecycle in resnet's recipe.",
        HelpName = "constant|step|cosine|onecycle",
    };

    private readonly Option<int?> _warmupEpochs = new("--warmup-epochs")
    {
        Description = "cosine: epochs of linear warm-up, fewer than --epochs. Default: 0.",
    };

    private readonly Option<int?> _stepEvery = new("--step-every")
    {
        Description = "step: epochs between two decays, fewer than --epochs. Default: a third of the epochs (at least 1).",
    };

    private readonly Option<double?> _gamma = new("--gamma")
    {
        Description = $"step: the factor of each decay, above 0 and at most 1. Default: {TrainingOptions.DefaultGamma.ToString(CultureInfo.InvariantCulture)}.",
    };

    private readonly Option<double?> _minLearningRate = new("--min-lr")
    {
        Description = "cosine: the rate it anneals towards, below --learning-rate. Default: 0.",
    };

    private readonly Option<double?> _weightDecay = new("--weight-decay")
    {
        Description = "sgd: L2 weight decay; adamw: decoupled weight decay. Applied to the weights only: biases and BatchNormalization's scale and shift do not decay. " +
            $"Default: {TrainingOptions.DefaultAdamWWeightDecay.ToString(CultureInfo.InvariantCulture)} for adamw, 0 for sgd; 0.0005 in resnet's recipe.",
    };

    private readonly Option<double?> _momentum = new("--momentum")
    {
        Description = "sgd: the momentum μ, from 0 up to (not including) 1 (not with --schedule onecycle, which moves it). Default: 0.",
    };

    private readonly Option<bool> _nesterov = new("--nesterov")
    {
        Description = "sgd: Nesterov momentum (needs --momentum above 0, or --schedule onecycle).",
    };

    private readonly Option<int?> _cropPadding = new("--crop-padding")
    {
        Description = "Augmentation (cnn and resnet): pad each training image with N zero pixels on each side and crop it back to 28×28 at a random offset (PyTorch's RandomCrop(padding=N)). " +
            $"Default: 0, none; {TrainingOptions.ResNetFashion.CropPadding} in resnet's Fashion-MNIST recipe.",
        HelpName = "N",
    };

    private readonly Option<bool> _flip = new("--flip")
    {
        Description = "Augmentation (cnn and resnet): mirror training images left to right with probability 0.5. Off by default: digits must not flip; " +
            "on in resnet's Fashion-MNIST recipe (--flip false turns it off).",
    };

    private readonly Option<int?> _translate = new("--translate")
    {
        Description = "Augmentation (cnn and resnet): shift training images by up to N whole pixels each way, zero fill. Default: 0, none.",
        HelpName = "N",
    };

    private readonly Option<double?> _rotate = new("--rotate")
    {
        Description = "Augmentation (cnn and resnet): rotate training images about their centre by up to DEG degrees each way (nearest pixel, zero fill). Default: 0, none.",
        HelpName = "DEG",
    };

    private readonly Option<double?> _erase = new("--erase")
    {
        Description = "Augmentation (cnn and resnet): random erasing with probability P (PyTorch's RandomErasing: scale 0.02–0.33, ratio 0.3–3.3, value 0). " +
            $"Default: 0, none; {TrainingOptions.ResNetFashion.Erase.ToString(CultureInfo.InvariantCulture)} in resnet's Fashion-MNIST recipe.",
        HelpName = "P",
    };

    private readonly Option<double?> _clipNorm = new("--clip-norm")
    {
        Description = "Clips the gradients by their global norm before each step, as PyTorch's clip_grad_norm_(parameters, X). Default: no clipping.",
    };

    private readonly Option<double?> _labelSmoothing = new("--label-smoothing")
    {
        Description = "ε of label smoothing for the training loss, from 0 up to (not including) 1: targets (1 − ε)·onehot + ε/10, as PyTorch's cross_entropy(label_smoothing=ε). Default: 0.",
    };

    private readonly Option<double?> _validationSplit = new("--validation-split")
    {
        Description = "Holds out this fraction of the training images, the last ones (Keras' validation_split: taken before any shuffling), and reports the loss " +
            "and accuracy on them after each epoch; from 0 up to (not including) 1. The test set is still tested as without. Default: 0, none.",
        HelpName = "F",
    };

    private readonly Option<int?> _earlyStopping = new("--early-stopping")
    {
        Description = "Stops when the --monitor figure on the validation images has not improved for PATIENCE epochs in a row (Keras' EarlyStopping; 0 stops at " +
            "the first epoch without improvement), and saves the best epoch's weights (restore_best_weights). Needs --validation-split. Default: off.",
        HelpName = "PATIENCE",
    };

    private readonly Option<string> _monitor = new("--monitor")
    {
        Description = "What --early-stopping watches: val-loss (the validation loss) or val-accuracy. Default: val-loss.",
        HelpName = "val-loss|val-accuracy",
    };

    private readonly Option<double?> _minDelta = new("--min-delta")
    {
        Description = "--early-stopping: the least change of the --monitor figure that counts as an improvement (Keras' min_delta). Default: 0.",
    };

    private readonly Option<int?> _checkpointEvery = new("--checkpoint-every")
    {
        Description = $"Writes a checkpoint of the run, {RunCheckpoints.FileName} in --out, every N training steps (batches) and after each epoch; " +
            "each replaces the last atomically. Checkpoints do not change the result. Default: none.",
        HelpName = "N",
    };

    private readonly Option<bool> _resume = new("--resume")
    {
        Description = $"Continues the run from the checkpoint in --out ({RunCheckpoints.FileName}), given the same other options, and ends with the same bytes " +
            "as a run that never stopped; starts the run, saying so, when there is none. Writes a checkpoint after each epoch (and every --checkpoint-every steps).",
    };

    private readonly Option<ulong> _seed = new("--seed")
    {
        Description = "Seeds the initial weights, the shuffles and the augmentation: the same seed gives the same model, bit for bit.",
        DefaultValueFactory = _ => TrainingOptions.Default.Seed,
    };

    private readonly Option<string> _out = new("--out", "-o")
    {
        Description = "Folder for model.safetensors, metrics.json and the PNG figures.",
        HelpName = "DIR",
        DefaultValueFactory = _ => ModelOption.DefaultOutputFolder,
    };

    private TrainCommand(IAnsiConsole console) => _console = console;

    /// <summary>The command, printing to <paramref name="console"/> and reporting errors to <paramref name="error"/>.</summary>
    public static Command Create(IAnsiConsole console, TextWriter error)
    {
        var train = new TrainCommand(console);
        var command = new Command("train", "Download MNIST if needed, train the network, test it after each epoch and write the model, metrics and figures.");
        command.Options.Add(train._network);
        command.Options.Add(train._epochs);
        command.Options.Add(train._batchSize);
        command.Options.Add(train._learningRate);
        command.Options.Add(train._optimizer);
        command.Options.Add(train._schedule);
        command.Options.Add(train._warmupEpochs);
        command.Options.Add(train._stepEvery);
        command.Options.Add(train._gamma);
        command.Options.Add(train._minLearningRate);
        command.Options.Add(train._weightDecay);
        command.Options.Add(train._momentum);
        command.Options.Add(train._nesterov);
        command.Options.Add(train._cropPadding);
        command.Options.Add(train._flip);
        command.Options.Add(train._translate);
        command.Options.Add(train._rotate);
        command.Options.Add(train._erase);
        command.Options.Add(train._clipNorm);
        command.Options.Add(train._labelSmoothing);
        command.Options.Add(train._validationSplit);
        command.Options.Add(train._earlyStopping);
        command.Options.Add(train._monitor);
        command.Options.Add(train._minDelta);
        command.Options.Add(train._seed);
        command.Options.Add(train._checkpointEvery);
        command.Options.Add(train._resume);
        command.Options.Add(train._out);
        train._data.AddTo(command);
        // Custom parsers rather than validators: a value that does not convert must not reach GetValue, which throws.
        // Not AcceptOnlyFromAmong: its error message spans several lines.
        train._optimizer.CustomParser = OptionValues.OneOf(
            name => Enum.TryParse(name, ignoreCase: true, out OptimizerKind _) && !int.TryParse(name, out _), "adam, sgd or adamw");
        train._schedule.CustomParser = OptionValues.OneOf(
            name => Enum.TryParse(name, ignoreCase: true, out ScheduleKind _) && !int.TryParse(name, out _), "constant, step, cosine or onecycle");
        train._warmupEpochs.CustomParser = OptionValues.WholeNumber(0, OptionValues.MaxEpochs);
        train._stepEvery.CustomParser = OptionValues.WholeNumber(1, OptionValues.MaxEpochs);
        train._gamma.CustomParser = OptionValues.Number(g => g > 0 && g <= 1, "a number above 0 and at most 1");
        train._minLearningRate.CustomParser = OptionValues.Number(r => r >= 0 && r <= float.MaxValue, "a number of 0 or more");
        train._weightDecay.CustomParser = OptionValues.Number(d => d >= 0 && d <= float.MaxValue, "a number of 0 or more");
        train._cropPadding.CustomParser = OptionValues.WholeNumber(0, MaxShift);
        train._translate.CustomParser = OptionValues.WholeNumber(0, MaxShift);
        train._rotate.CustomParser = OptionValues.Number(d => d >= 0 && d <= 180, "a number of degrees from 0 to 180");
        train._erase.CustomParser = OptionValues.Number(p => p >= 0 && p <= 1, "a number from 0 to 1");
        train._momentum.CustomParser = OptionValues.Number(m => m >= 0 && m < 1, "a number from 0 up to (not including) 1");
        // Checked as the floats they become: a positive number that rounds to 0, or one below 1 that rounds to 1, is refused.
        train._clipNorm.CustomParser = OptionValues.Number(n => (float)n > 0 && n <= float.MaxValue, "a positive number");
        train._labelSmoothing.CustomParser = OptionValues.Number(e => e >= 0 && (float)e < 1, "a number from 0 up to (not including) 1");
        train._validationSplit.CustomParser = OptionValues.Number(f => f >= 0 && f < 1, "a number from 0 up to (not including) 1");
        train._earlyStopping.CustomParser = OptionValues.WholeNumber(0, OptionValues.MaxEpochs);
        train._monitor.CustomParser = OptionValues.OneOf(name => MonitorFromName(name) is not null, "val-loss or val-accuracy");
        train._minDelta.CustomParser = OptionValues.Number(d => d >= 0, "a number of 0 or more");
        train._network.CustomParser = OptionValues.OneOf(
            name => MnistNetwork.Find(name) is not null, MnistNetwork.NamesInWords);
        train._epochs.CustomParser = OptionValues.WholeNumber(1, OptionValues.MaxEpochs);
        train._checkpointEvery.CustomParser = OptionValues.WholeNumber(1, int.MaxValue);
        // The largest batch depends on the network (an unknown network has its own error).
        train._batchSize.CustomParser = r => OptionValues.WholeNumber(1, train.MaxBatchSize(r))(r);
        train._learningRate.CustomParser = OptionValues.PositiveNumber();
        train._seed.CustomParser = OptionValues.Seed();
        train._out.CustomParser = OptionValues.NonEmpty("a folder");
        command.SetAction(CommandErrors.Guard(error, train.RunAsync));
        return command;
    }

    // Padding or a shift beyond the image's side would leave only zeros.
    private const int MaxShift = 27;

    private int MaxBatchSize(System.CommandLine.Parsing.SymbolResult result)
    {
        string name = result.GetResult(_network) is { Tokens: [var token] } ? token.Value : MnistNetwork.Default.Name;
        return MnistNetwork.Find(name)?.MaxBatchSize ?? int.MaxValue;
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        MnistNetwork network = MnistNetwork.Find(parseResult.GetValue(_network))!;
        // Checked against the network's recipe now, before anything is touched; chosen for the data once it is read.
        TrainingOptions options = Recipe(parseResult, network, null);
        // Everything that can fail before training fails now: the output folder (locked, and written to for
        // proof), then the data; not after minutes of training.
        using OutputFolder output = OutputFolder.Open(FullPath(parseResult.GetValue(_out)!, "--out"), "--out");

        string folder = await new MnistAcquirer(_data.Settings(parseResult), _console).AcquireAsync(cancellationToken).ConfigureAwait(false);
        MnistData data = MnistData.Load(folder);
        string? dataset = KnownDatasets.Identify(data);
        if (network.RecipeFor(dataset) != network.Recipe) options = Recipe(parseResult, network, dataset);
        IClassifier model = network.Create(options.Seed);
        // --validation-split: the last images of the training set validate, the others train.
        (MnistSet trainSet, MnistSet? heldOut) = ValidationRun.Split(data.Train, options);
        // A batch larger than the training set is the whole set: say so, and record what was used.
        int requestedBatch = options.BatchSize;
        if (requestedBatch > trainSet.Count) options = options with { BatchSize = trainSet.Count };
        PrintRecipe(network, options, data, folder, dataset, heldOut);
        if (options.BatchSize != requestedBatch)
            _console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"[yellow]note:[/] --batch-size {requestedBatch} is more than the {trainSet.Count:N0} training images: each step takes all {options.BatchSize} of them.");

        Trainer trainer = network.CreateTrainer(model, options, trainSet);
        // The trainer holds early stopping's state, so that its checkpoints hold it too.
        ValidationRun? validation = heldOut is null ? null : new ValidationRun(heldOut, trainer.EarlyStopper);
        Evaluator evaluator = network.CreateEvaluator(model);
        var history = new List<EpochMetrics>();
        double secondsBefore = 0;
        RunCheckpoints? checkpoints = parseResult.GetValue(_checkpointEvery) is { } every || parseResult.GetValue(_resume)
            ? new RunCheckpoints(output.Path, parseResult.GetValue(_checkpointEvery) ?? 0, network, options, data)
            : null;
        if (parseResult.GetValue(_resume))
        {
            if (checkpoints!.Resume(trainer) is { } resumed)
            {
                history.AddRange(resumed.History);
                secondsBefore = resumed.Seconds;
                _console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                    $"Resuming from {checkpoints.Path}: {history.Count} of {options.Epochs} epoch(s) done, step {trainer.Steps:N0}{(trainer.EpochInProgress ? $" (in epoch {trainer.EpochsStarted})" : "")}.");
            }
            else
            {
                _console.MarkupLineInterpolated($"No checkpoint in {output.Path}: starting the run.");
            }
        }
        if (checkpoints is not null)
        {
            string when = checkpoints.EverySteps > 0 ? string.Create(CultureInfo.InvariantCulture, $"every {checkpoints.EverySteps:N0} step(s) and after each epoch") : "after each epoch";
            _console.MarkupLineInterpolated($"Checkpoints: {when}, to {checkpoints.Path}");
        }
        Evaluation? evaluation = null;
        var total = Stopwatch.StartNew();
        RunProgress Progress() => new(secondsBefore + total.Elapsed.TotalSeconds, history);
        // A checkpoint is written between two steps: the runtime's trainer is then consistent.
        Action<BatchProgress>? afterStep = checkpoints is { EverySteps: > 0 }
            ? _ => { if (checkpoints.DueAfter(trainer.Steps)) checkpoints.Write(trainer, Progress()); }
            : null;
        // A resumed run that early stopping had ended trains no further.
        for (int epoch = history.Count + 1; epoch <= options.Epochs && validation?.Stopper?.ShouldStop != true; epoch++)
        {
            var clock = Stopwatch.StartNew();
            EpochResult train = TrainWithProgress(trainer, epoch, options.Epochs, afterStep, cancellationToken);
            double trainSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            Evaluation? checkedOn = validation is null ? null : evaluator.Evaluate(validation.Set);
            double validationSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            evaluation = evaluator.Evaluate(data.Test);
            double testSeconds = clock.Elapsed.TotalSeconds;
            // A resumed epoch's time is the runtime's count, which includes the part before the checkpoint.
            history.Add(new EpochMetrics(epoch, train.Loss, train.Accuracy, evaluation.Loss, evaluation.Accuracy, Math.Max(trainSeconds, train.Seconds), testSeconds, train.LearningRate,
                checkedOn?.Loss, checkedOn?.Accuracy, checkedOn is null ? null : validationSeconds));
            // The progress bar is gone; this line stays, in a terminal and in a log alike. A schedule adds the epoch's last rate.
            _console.MarkupLine(CultureInfo.InvariantCulture,
                "{0} │ train loss {1:F4} acc {2}{7} │ test loss [bold]{3:F4}[/] acc [bold]{4}[/] │ {5:F2} s{6}",
                EpochLabel(epoch, options.Epochs), train.Loss, Percent.Format(train.Accuracy),
                evaluation.Loss, Percent.Format(evaluation.Accuracy), trainSeconds,
                options.Schedule == ScheduleKind.Constant ? "" : string.Create(CultureInfo.InvariantCulture, $" │ lr {train.LearningRate:G4}"),
                checkedOn is null ? "" : string.Create(CultureInfo.InvariantCulture, $" │ val loss {checkedOn.Loss:F4} acc {Percent.Format(checkedOn.Accuracy)}"));
            // A diverged run cannot recover and its parameters cannot be saved: stop with the reason.
            if (train.Diverged || !AllFinite(model.Parameters))
                throw new SampleException(
                    $"training diverged in epoch {epoch}: the parameters are no longer finite numbers (train loss {train.Loss.ToString(CultureInfo.InvariantCulture)}); " +
                    $"nothing was written. Try a smaller --learning-rate than {options.LearningRate.ToString(CultureInfo.InvariantCulture)}.");
            // Early stopping's check comes first: the checkpoint after the epoch holds its state.
            bool stop = validation is not null && validation.AfterEpoch(epoch, checkedOn!);
            checkpoints?.Write(trainer, Progress());
            if (stop)
            {
                string reason = validation!.Stopper!.StopReason;
                _console.MarkupLineInterpolated($"[yellow]{char.ToUpperInvariant(reason[0]) + reason[1..]}.[/]");
                break;
            }
        }
        if (evaluation is null)
        {
            // Resumed from the checkpoint of a run that had ended: its outputs again, from its final weights.
            _console.MarkupLine("The checkpoint's run is complete: writing its outputs again.");
            evaluation = evaluator.Evaluate(data.Test);
        }
        // Early stopping: the model gets its best epoch's weights back, and the test figures reported and saved are that model's.
        int? restoredEpoch = validation?.RestoreBestWeights();
        if (restoredEpoch is { } best)
        {
            evaluation = evaluator.Evaluate(data.Test);
            _console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"Restored the weights of epoch {best}, the best {validation!.Stopper!.Settings.MonitorName} ({validation.Stopper.State.BestValue:G6}).");
        }
        double totalSeconds = secondsBefore + total.Elapsed.TotalSeconds;

        var metrics = new TrainingMetrics(
            network.Name, network.ModelName, network.Spec, model.Parameters.Length,
            new Hyperparameters(options.Epochs, options.BatchSize, options.LearningRate, options.OptimizerName, options.Seed,
                "sparse_categorical_crossentropy", "glorot_uniform weights, zero biases (xoshiro256** from the seed)",
                "xoshiro256** Fisher-Yates shuffle of the training set each epoch",
                new ScheduleSettings(options.ScheduleName,
                    options.Schedule == ScheduleKind.Cosine ? options.WarmupEpochs : null,
                    options.Schedule == ScheduleKind.Step ? options.StepEveryEpochs : null,
                    options.Schedule == ScheduleKind.Step ? options.Gamma : null,
                    options.Schedule == ScheduleKind.Cosine ? options.MinLearningRate : null,
                    options.DescribeSchedule()),
                options.WeightDecay,
                options.WeightDecay > 0 ? "weights (kernels) only: no bias, BatchNormalization scale or shift" : null,
                options.Optimizer == OptimizerKind.Sgd ? options.SgdMomentum : null,
                options.Nesterov,
                options.ClipNorm,
                options.LabelSmoothing,
                options.Augmentation is null ? null
                    : new AugmentationSettings(options.CropPadding, options.Flip, options.Translate, options.Rotate, options.Erase, options.DescribeAugmentation()!),
                validation is null ? null : options.ValidationSplit,
                validation?.Settings),
            new DataSummary(folder, trainSet.Count, data.Test.Count, validation?.Set.Count),
            evaluation.Accuracy, evaluation.Loss, totalSeconds, history,
            restoredEpoch is { } restored ? validation!.Result(restored) : null);
        _console.MarkupLineInterpolated($"Writing the outputs to {output.Path}");
        TrainingOutputs.Write(output.Staging, model, metrics, data.Test, evaluation,
            LearningRateCurve.For(options, trainer.BatchesPerEpoch, history.Count), cancellationToken);
        // The run's last checkpoint stays with its outputs (a copy: until the swap, the live folder keeps its own).
        if (checkpoints is not null && File.Exists(checkpoints.Path))
            File.Copy(checkpoints.Path, Path.Combine(output.Staging, RunCheckpoints.FileName));
        // From here on the run does not stop: the swap is quick, and leaves the complete new set.
        output.Commit();

        _console.WriteLine();
        EvaluationReport.Print(_console, evaluation);
        _console.MarkupLine(CultureInfo.InvariantCulture,
            "Test accuracy [bold green]{0}[/], loss {1:F4}, after {2} epoch(s){4} in {3:F1} s.",
            Percent.Format(evaluation.Accuracy), evaluation.Loss, history.Count, totalSeconds,
            restoredEpoch is { } kept ? string.Create(CultureInfo.InvariantCulture, $" (the weights of epoch {kept})") : "");
        _console.MarkupLineInterpolated($"Wrote {string.Join(", ", TrainingOutputs.All)} to [bold]{output.Path}[/]");
        return 0;
    }

    private void PrintRecipe(MnistNetwork network, TrainingOptions options, MnistData data, string folder, string? dataset, MnistSet? heldOut)
    {
        string recognised = dataset is null ? "" : network.RecipeFor(dataset) != network.Recipe ? $" ({dataset}: {network.Name}'s recipe for it)" : $" ({dataset})";
        if (heldOut is null)
            _console.MarkupLineInterpolated($"Data: {data.Train.Count:N0} training and {data.Test.Count:N0} test images from {folder}{recognised}");
        else
            _console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"Data: {data.Train.Count - heldOut.Count:N0} training, {heldOut.Count:N0} validation (the last {options.ValidationSplit:0.##%} of the training set) and {data.Test.Count:N0} test images from {folder}{recognised}");
        if (options.EarlyStopping is { } stopping)
            _console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"Early stopping: on {stopping.MonitorName}, patience {stopping.Patience}, min delta {stopping.MinDelta:G}; the best epoch's weights are kept");
        _console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"Model: {network.ModelName} {network.Summary}, {network.Create(0).Parameters.Length:N0} parameters");
        _console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"Training: {options.OptimizerName} (learning rate {options.LearningRate:G}), batch {options.BatchSize}, {options.Epochs} epoch(s), seed {options.Seed}");
        if (options.Schedule != ScheduleKind.Constant || options.WeightDecay > 0 || options.Momentum > 0 || options.Nesterov)
        {
            string momentum = options.Optimizer != OptimizerKind.Sgd ? "" : string.Create(CultureInfo.InvariantCulture,
                $", momentum {options.SgdMomentum:G}{(options.Nesterov ? " (Nesterov)" : "")}");
            string decay = options.WeightDecay > 0 ? string.Create(CultureInfo.InvariantCulture, $", weight decay {options.WeightDecay:G} on the weights") : "";
            _console.MarkupLineInterpolated($"Schedule: {options.DescribeSchedule()}{momentum}{decay}");
        }
        if (options.DescribeAugmentation() is { } augmentation) _console.MarkupLineInterpolated($"Augmentation: {augmentation}");
        if (options.ClipNorm is not null || options.LabelSmoothing > 0)
        {
            string clip = options.ClipNorm is { } norm ? string.Create(CultureInfo.InvariantCulture, $"gradients clipped to a global norm of {norm:G}") : "no gradient clipping";
            _console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Regularisation: {clip}, label smoothing {options.LabelSmoothing:G}");
        }
    }

    /// <summary>
    /// The run's hyper-parameters: the network's recipe, overridden by what the user gave. A setting given for an
    /// optimizer or schedule it does not apply to, or that contradicts another, is a one-line error here, before the
    /// output folder or the data are touched.
    /// </summary>
    private TrainingOptions Recipe(ParseResult parseResult, MnistNetwork network, string? dataset)
    {
        bool Given(Option option) => parseResult.GetResult(option) is { Implicit: false };
        // The network's recipe holds for its own optimizer (rate, schedule, decay, momentum); another optimizer
        // starts from that optimizer's defaults. Each setting given on the command line overrides either.
        TrainingOptions recipe = network.RecipeFor(dataset);
        var optimizer = Given(_optimizer) ? Enum.Parse<OptimizerKind>(parseResult.GetValue(_optimizer)!, ignoreCase: true) : recipe.Optimizer;
        bool ownOptimizer = optimizer == recipe.Optimizer;
        var schedule = Given(_schedule) ? Enum.Parse<ScheduleKind>(parseResult.GetValue(_schedule)!, ignoreCase: true)
            : ownOptimizer ? recipe.Schedule : ScheduleKind.Constant;
        var options = new TrainingOptions(
            parseResult.GetValue(_epochs) ?? recipe.Epochs,
            parseResult.GetValue(_batchSize) ?? recipe.BatchSize,
            parseResult.GetValue(_learningRate) ?? (ownOptimizer ? recipe.LearningRate : TrainingOptions.DefaultLearningRate(optimizer)),
            optimizer,
            parseResult.GetValue(_seed))
        {
            Schedule = schedule,
            WarmupEpochs = parseResult.GetValue(_warmupEpochs) ?? 0,
            StepEvery = parseResult.GetValue(_stepEvery) ?? 0,
            Gamma = parseResult.GetValue(_gamma) ?? TrainingOptions.DefaultGamma,
            MinLearningRate = parseResult.GetValue(_minLearningRate) ?? 0,
            WeightDecay = parseResult.GetValue(_weightDecay) ?? (ownOptimizer ? recipe.WeightDecay : TrainingOptions.DefaultWeightDecay(optimizer)),
            Momentum = parseResult.GetValue(_momentum) ?? (ownOptimizer && schedule == recipe.Schedule ? recipe.Momentum : 0),
            Nesterov = Given(_nesterov) ? parseResult.GetValue(_nesterov) : ownOptimizer && recipe.Nesterov,
            CropPadding = parseResult.GetValue(_cropPadding) ?? recipe.CropPadding,
            Flip = Given(_flip) ? parseResult.GetValue(_flip) : recipe.Flip,
            Translate = parseResult.GetValue(_translate) ?? recipe.Translate,
            Rotate = parseResult.GetValue(_rotate) ?? recipe.Rotate,
            Erase = parseResult.GetValue(_erase) ?? recipe.Erase,
            ClipNorm = parseResult.GetValue(_clipNorm),
            LabelSmoothing = parseResult.GetValue(_labelSmoothing) ?? 0,
            ValidationSplit = parseResult.GetValue(_validationSplit) ?? 0,
            EarlyStoppingPatience = parseResult.GetValue(_earlyStopping),
            Monitor = Given(_monitor) ? MonitorFromName(parseResult.GetValue(_monitor)!)!.Value : EarlyStoppingMonitor.ValidationLoss,
            MinDelta = parseResult.GetValue(_minDelta) ?? 0,
        };
        string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

        foreach ((Option option, ScheduleKind kind) in new (Option, ScheduleKind)[]
            { (_warmupEpochs, ScheduleKind.Cosine), (_minLearningRate, ScheduleKind.Cosine), (_stepEvery, ScheduleKind.Step), (_gamma, ScheduleKind.Step) })
        {
            if (Given(option) && schedule != kind)
                throw new SampleException($"{option.Name} applies to --schedule {kind.ToString().ToLowerInvariant()} only, not {options.ScheduleName}.");
        }
        if (Given(_weightDecay) && optimizer == OptimizerKind.Adam)
            throw new SampleException("--weight-decay applies to sgd and adamw; for Adam with decoupled weight decay give --optimizer adamw.");
        if (Given(_momentum) && optimizer != OptimizerKind.Sgd)
            throw new SampleException($"--momentum applies to --optimizer sgd only, not {options.OptimizerName} (whose β1 plays that part).");
        if (options.Nesterov && optimizer != OptimizerKind.Sgd)
            throw new SampleException($"--nesterov applies to --optimizer sgd only, not {options.OptimizerName}.");
        if (Given(_momentum) && schedule == ScheduleKind.OneCycle)
            throw new SampleException("--momentum does not go with --schedule onecycle, which moves the momentum itself (0.95 to 0.85 and back).");
        if (options.Nesterov && options.SgdMomentum == 0)
            throw new SampleException("--nesterov needs a --momentum above 0 (or --schedule onecycle, which gives one).");
        if (schedule == ScheduleKind.Cosine && options.WarmupEpochs >= options.Epochs)
            throw new SampleException($"--warmup-epochs {options.WarmupEpochs} leaves no epoch for the cosine in a run of {options.Epochs}; give fewer than --epochs.");
        if (schedule == ScheduleKind.Cosine && options.MinLearningRate >= options.LearningRate)
            throw new SampleException($"--min-lr {Number(options.MinLearningRate)} must be below the learning rate {Number(options.LearningRate)}.");
        if (options.Augmentation is not null && network.Create(0).Layers[0].Input is { IsImage: false } input)
        {
            Option given = new Option[] { _cropPadding, _flip, _translate, _rotate, _erase }.First(Given);
            throw new SampleException($"{given.Name} augments images; the {network.Name} network takes a flat vector {input}: give --network cnn or resnet.");
        }
        if (options.EarlyStoppingPatience is not null && options.ValidationSplit == 0)
            throw new SampleException("--early-stopping needs validation images: give --validation-split too (0.1 holds out the last 10 % of the training images).");
        foreach (Option option in new Option[] { _monitor, _minDelta })
        {
            if (Given(option) && options.EarlyStoppingPatience is null)
                throw new SampleException($"{option.Name} applies to --early-stopping only; give --early-stopping PATIENCE too.");
        }
        if (schedule == ScheduleKind.Step && Given(_stepEvery) && options.StepEvery >= options.Epochs)
            throw new SampleException($"--step-every {options.StepEvery} leaves the rate undecayed in a run of {options.Epochs} epoch(s); give fewer than --epochs.");
        return options;
    }

    // One epoch under a Spectre progress bar that shows the running loss and accuracy. Without a
    // terminal (a log, a pipe) there is nothing to animate: the epoch's summary line says it all.
    private EpochResult TrainWithProgress(Trainer trainer, int epoch, int epochs, Action<BatchProgress>? afterStep, CancellationToken cancellationToken)
    {
        if (!_console.Profile.Capabilities.Interactive) return trainer.TrainEpoch(afterStep, cancellationToken);
        EpochResult result = default;
        int batches = trainer.BatchesPerEpoch;
        // Refreshing the description every step would cost more than the step; ~100 updates suffice.
        int every = Math.Max(1, batches / 100);
        string label = EpochLabel(epoch, epochs);
        _console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(label, maxValue: batches);
                result = trainer.TrainEpoch(running =>
                {
                    afterStep?.Invoke(running);
                    if (running.Batch % every != 0 && running.Batch != batches) return;
                    task.Value = running.Batch;
                    task.Description = Describe(label, running);
                }, cancellationToken);
                task.StopTask();
            });
        return result;
    }

    private static EarlyStoppingMonitor? MonitorFromName(string name) => name.ToLowerInvariant() switch
    {
        "val-loss" => EarlyStoppingMonitor.ValidationLoss,
        "val-accuracy" => EarlyStoppingMonitor.ValidationAccuracy,
        _ => null,
    };

    private static string EpochLabel(int epoch, int epochs)
    {
        string total = epochs.ToString(CultureInfo.InvariantCulture);
        return $"Epoch {epoch.ToString(CultureInfo.InvariantCulture).PadLeft(total.Length)}/{total}";
    }

    private static string Describe(string label, BatchProgress running) =>
        string.Format(CultureInfo.InvariantCulture, "{0}  loss {1:F4}  accuracy {2}", label, running.Loss, Percent.Format(running.Accuracy));

    /// <summary>The absolute form of a path the user gave, or a one-line error naming the option.</summary>
    private static string FullPath(string path, string option)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            string reason = e is PathTooLongException ? "it is too long" : "it holds a character that paths cannot hold";
            throw new SampleException($"{option}: '{path.Replace("\0", "\\0", StringComparison.Ordinal)}' is not a usable path ({reason}).");
        }
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float value in values) if (!float.IsFinite(value)) return false;
        return true;
    }
}
