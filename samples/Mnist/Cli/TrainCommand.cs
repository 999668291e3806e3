using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Output;
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
        Description = "The network: mlp (784 → 128 ReLU → 10 softmax), cnn (Keras' convnet: two 3×3 convolutions with max pooling, dropout, softmax) or resnet (ResNet-20: residual blocks with BatchNormalization, global average pooling, softmax).",
        HelpName = MnistNetwork.Names,
        DefaultValueFactory = _ => MnistNetwork.Default.Name,
    };

    // No default values here: each network has its own recipe, and only what the user gives overrides it.
    private readonly Option<int?> _epochs = new("--epochs", "-e")
    {
        Description = $"Passes over the training set. Default: {TrainingOptions.Default.Epochs} for mlp, {TrainingOptions.ConvNet.Epochs} for cnn, {TrainingOptions.ResNet.Epochs} for resnet.",
    };

    private readonly Option<int?> _batchSize = new("--batch-size", "-b")
    {
        Description = $"Images per training step (the last batch of an epoch holds the remainder). Default: {TrainingOptions.Default.BatchSize} for mlp, {TrainingOptions.ConvNet.BatchSize} for cnn, {TrainingOptions.ResNet.BatchSize} for resnet.",
    };

    private readonly Option<double?> _learningRate = new("--learning-rate", "--lr")
    {
        Description = "Step size. Default: 0.001 for adam, 0.01 for sgd.",
    };

    private readonly Option<string> _optimizer = new("--optimizer")
    {
        Description = "The optimizer.",
        HelpName = "adam|sgd",
        DefaultValueFactory = _ => TrainingOptions.Default.OptimizerName,
    };

    private readonly Option<ulong> _seed = new("--seed")
    {
        Description = "Seeds the initial weights and the shuffles: the same seed gives the same model, bit for bit.",
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
        command.Options.Add(train._seed);
        command.Options.Add(train._out);
        train._data.AddTo(command);
        // Custom parsers rather than validators: a value that does not convert must not reach GetValue, which throws.
        // Not AcceptOnlyFromAmong: its error message spans several lines.
        train._optimizer.CustomParser = OptionValues.OneOf(
            name => Enum.TryParse(name, ignoreCase: true, out OptimizerKind _) && !int.TryParse(name, out _), "adam or sgd");
        train._network.CustomParser = OptionValues.OneOf(
            name => MnistNetwork.Find(name) is not null, MnistNetwork.NamesInWords);
        train._epochs.CustomParser = OptionValues.WholeNumber(1, OptionValues.MaxEpochs);
        // The largest batch depends on the network (an unknown network has its own error).
        train._batchSize.CustomParser = r => OptionValues.WholeNumber(1, train.MaxBatchSize(r))(r);
        train._learningRate.CustomParser = OptionValues.PositiveNumber();
        train._seed.CustomParser = OptionValues.Seed();
        train._out.CustomParser = OptionValues.NonEmpty("a folder");
        command.SetAction(CommandErrors.Guard(error, train.RunAsync));
        return command;
    }

    private int MaxBatchSize(System.CommandLine.Parsing.SymbolResult result)
    {
        string name = result.GetResult(_network) is { Tokens: [var token] } ? token.Value : MnistNetwork.Default.Name;
        return MnistNetwork.Find(name)?.MaxBatchSize ?? int.MaxValue;
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        MnistNetwork network = MnistNetwork.Find(parseResult.GetValue(_network))!;
        var optimizer = Enum.Parse<OptimizerKind>(parseResult.GetValue(_optimizer)!, ignoreCase: true);
        var options = new TrainingOptions(
            parseResult.GetValue(_epochs) ?? network.Recipe.Epochs,
            parseResult.GetValue(_batchSize) ?? network.Recipe.BatchSize,
            parseResult.GetValue(_learningRate) ?? TrainingOptions.DefaultLearningRate(optimizer),
            optimizer,
            parseResult.GetValue(_seed));
        // Everything that can fail before training fails now: the output folder (locked, and written to for
        // proof), then the data; not after minutes of training.
        using OutputFolder output = OutputFolder.Open(FullPath(parseResult.GetValue(_out)!, "--out"), "--out");

        string folder = await new MnistAcquirer(_data.Settings(parseResult), _console).AcquireAsync(cancellationToken).ConfigureAwait(false);
        MnistData data = MnistData.Load(folder);
        // A batch larger than the training set is the whole set: say so, and record what was used.
        int requestedBatch = options.BatchSize;
        if (requestedBatch > data.Train.Count) options = options with { BatchSize = data.Train.Count };
        PrintRecipe(network, options, data, folder);
        if (options.BatchSize != requestedBatch)
            _console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"[yellow]note:[/] --batch-size {requestedBatch} is more than the {data.Train.Count:N0} training images: each step takes all {options.BatchSize} of them.");

        IClassifier model = network.Create(options.Seed);
        Trainer trainer = network.CreateTrainer(model, options, data.Train);
        Evaluator evaluator = network.CreateEvaluator(model);
        var history = new List<EpochMetrics>();
        Evaluation? evaluation = null;
        var total = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            EpochResult train = TrainWithProgress(trainer, epoch, options.Epochs, cancellationToken);
            double trainSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            evaluation = evaluator.Evaluate(data.Test);
            double testSeconds = clock.Elapsed.TotalSeconds;
            history.Add(new EpochMetrics(epoch, train.Loss, train.Accuracy, evaluation.Loss, evaluation.Accuracy, trainSeconds, testSeconds));
            // The progress bar is gone; this line stays, in a terminal and in a log alike.
            _console.MarkupLine(CultureInfo.InvariantCulture,
                "{0} │ train loss {1:F4} acc {2} │ test loss [bold]{3:F4}[/] acc [bold]{4}[/] │ {5:F2} s",
                EpochLabel(epoch, options.Epochs), train.Loss, Percent.Format(train.Accuracy),
                evaluation.Loss, Percent.Format(evaluation.Accuracy), trainSeconds);
            // A diverged run cannot recover and its parameters cannot be saved: stop with the reason.
            if (train.Diverged || !AllFinite(model.Parameters))
                throw new SampleException(
                    $"training diverged in epoch {epoch}: the parameters are no longer finite numbers (train loss {train.Loss.ToString(CultureInfo.InvariantCulture)}); " +
                    $"nothing was written. Try a smaller --learning-rate than {options.LearningRate.ToString(CultureInfo.InvariantCulture)}.");
        }
        double totalSeconds = total.Elapsed.TotalSeconds;

        var metrics = new TrainingMetrics(
            network.Name, network.ModelName, network.Spec, model.Parameters.Length,
            new Hyperparameters(options.Epochs, options.BatchSize, options.LearningRate, options.OptimizerName, options.Seed,
                "sparse_categorical_crossentropy", "glorot_uniform weights, zero biases (xoshiro256** from the seed)",
                "xoshiro256** Fisher-Yates shuffle of the training set each epoch"),
            new DataSummary(folder, data.Train.Count, data.Test.Count),
            evaluation!.Accuracy, evaluation.Loss, totalSeconds, history);
        _console.MarkupLineInterpolated($"Writing the outputs to {output.Path}");
        TrainingOutputs.Write(output.Staging, model, metrics, data.Test, evaluation, cancellationToken);
        // From here on the run does not stop: the swap is quick, and leaves the complete new set.
        output.Commit();

        _console.WriteLine();
        EvaluationReport.Print(_console, evaluation);
        _console.MarkupLine(CultureInfo.InvariantCulture,
            "Test accuracy [bold green]{0}[/], loss {1:F4}, after {2} epoch(s) in {3:F1} s.",
            Percent.Format(evaluation.Accuracy), evaluation.Loss, options.Epochs, totalSeconds);
        _console.MarkupLineInterpolated($"Wrote {string.Join(", ", TrainingOutputs.All)} to [bold]{output.Path}[/]");
        return 0;
    }

    private void PrintRecipe(MnistNetwork network, TrainingOptions options, MnistData data, string folder)
    {
        _console.MarkupLineInterpolated($"Data: {data.Train.Count:N0} training and {data.Test.Count:N0} test images from {folder}");
        _console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"Model: {network.ModelName} {network.Summary}, {network.Create(0).Parameters.Length:N0} parameters");
        _console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"Training: {options.OptimizerName} (learning rate {options.LearningRate:G}), batch {options.BatchSize}, {options.Epochs} epoch(s), seed {options.Seed}");
    }

    // One epoch under a Spectre progress bar that shows the running loss and accuracy. Without a
    // terminal (a log, a pipe) there is nothing to animate: the epoch's summary line says it all.
    private EpochResult TrainWithProgress(Trainer trainer, int epoch, int epochs, CancellationToken cancellationToken)
    {
        if (!_console.Profile.Capabilities.Interactive) return trainer.TrainEpoch(null, cancellationToken);
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
                    if (running.Batch % every != 0 && running.Batch != batches) return;
                    task.Value = running.Batch;
                    task.Description = Describe(label, running);
                }, cancellationToken);
                task.StopTask();
            });
        return result;
    }

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
