using ModelGen.Tests.Models;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>The runtime's fit/evaluate helper: learning, determinism, validation, divergence, progress and cancellation.</summary>
public sealed class FitTests
{
    private static LabeledData Digits(int count, ulong seed)
    {
        var (images, labels) = SyntheticDigits.Create(count, seed);
        return new LabeledData(images, labels, SyntheticDigits.Pixels);
    }

    private static readonly LabeledData s_train = Digits(1000, 11);
    private static readonly LabeledData s_test = Digits(300, 12);

    // Seconds differ from run to run; every other figure must not.
    private static EpochRecord[] Figures(TrainingHistory history) =>
        history.Epochs.Select(e => e with { Seconds = 0, ValidationSeconds = 0 }).ToArray();

    [Fact]
    public void Fit_learns_a_separable_problem_and_reports_it_in_the_history()
    {
        var model = new MnistMlp(seed: 5);
        double before = model.Evaluate(s_test).Loss;

        TrainingHistory history = model.Fit(s_train, new Adam(), epochs: 3, new FitOptions { Seed = 5 }, validation: s_test);

        Assert.False(history.StoppedEarly);
        Assert.Equal([1, 2, 3], history.Epochs.Select(e => e.Epoch));
        EpochRecord last = history.Epochs[^1];
        Assert.True(last.ValidationLoss < before / 10, $"validation loss {before} -> {last.ValidationLoss}");
        Assert.True(last.ValidationAccuracy > 0.99, $"validation accuracy {last.ValidationAccuracy}");
        Assert.True(last.Loss < history.Epochs[0].Loss, $"training loss {history.Epochs[0].Loss} -> {last.Loss}");
        Assert.All(history.Epochs, e => Assert.True(e.Seconds > 0 && e.ValidationSeconds > 0));
    }

    [Fact]
    public void The_same_seeds_give_bit_identical_parameters_and_history()
    {
        (float[] Parameters, EpochRecord[] History) Run(ulong seed)
        {
            var model = new MnistMlp(seed);
            var history = model.Fit(s_train, new Adam(), epochs: 2, new FitOptions { BatchSize = 50, Seed = seed }, validation: s_test);
            return ((float[])model.Parameters.Clone(), Figures(history));
        }

        var first = Run(21);
        var second = Run(21);
        var other = Run(22);

        Assert.Equal(first.Parameters, second.Parameters);
        Assert.Equal(first.History, second.History);
        Assert.NotEqual(first.Parameters, other.Parameters);
    }

    [Fact]
    public void Fit_draws_the_batches_a_hand_written_loop_with_the_same_shuffle_stream_draws()
    {
        // The MNIST sample trained with exactly this loop before the helper existed; its runs must not change.
        const ulong seed = 3;
        const int batchSize = 64;
        var expected = new MnistMlp(seed);
        var workspace = new MnistMlp.Workspace(batchSize);
        var optimizer = new Adam();
        var random = new Xoshiro256StarStar(seed ^ 0x5348_5546_464C_4521);
        int[] order = Enumerable.Range(0, s_train.Count).ToArray();
        var inputs = new float[batchSize * 784];
        var labels = new int[batchSize];
        for (int epoch = 0; epoch < 2; epoch++)
        {
            random.Shuffle(order.AsSpan());
            for (int start = 0; start < order.Length; start += batchSize)
            {
                int n = Math.Min(batchSize, order.Length - start);
                for (int i = 0; i < n; i++)
                {
                    Array.Copy(s_train.Inputs, order[start + i] * 784, inputs, i * 784, 784);
                    labels[i] = s_train.Labels[order[start + i]];
                }
                expected.TrainStep(workspace, inputs.AsSpan(0, n * 784), labels.AsSpan(0, n), optimizer);
            }
        }

        var actual = new MnistMlp(seed);
        actual.Fit(s_train, new Adam(), epochs: 2, new FitOptions { BatchSize = batchSize, Seed = seed });

        Assert.Equal(expected.Parameters, actual.Parameters);
    }

    [Fact]
    public void Without_shuffling_the_batches_follow_the_data_order()
    {
        var expected = new MnistMlp(4);
        var workspace = new MnistMlp.Workspace(100);
        var optimizer = new Sgd(0.05f);
        for (int start = 0; start < s_train.Count; start += 100)
            expected.TrainStep(workspace, s_train.Inputs.AsSpan(start * 784, 100 * 784), s_train.Labels.AsSpan(start, 100), optimizer);

        var actual = new MnistMlp(4);
        actual.Fit(s_train, new Sgd(0.05f), epochs: 1, new FitOptions { BatchSize = 100, Shuffle = false });

        Assert.Equal(expected.Parameters, actual.Parameters);
    }

    [Fact]
    public void The_validation_figures_are_those_of_a_separate_evaluation()
    {
        var model = new MnistMlp(6);
        var history = model.Fit(s_train, new Adam(), epochs: 2, new FitOptions { Seed = 6 }, validation: s_test);

        EvaluationResult separate = model.Evaluate(s_test);

        Assert.Equal(separate.Loss, history.Epochs[^1].ValidationLoss);
        Assert.Equal(separate.Accuracy, history.Epochs[^1].ValidationAccuracy);
    }

    [Fact]
    public void A_model_without_validation_has_no_validation_figures()
    {
        var history = new MnistMlp(6).Fit(s_train.Take(100), new Adam(), epochs: 1);

        EpochRecord epoch = Assert.Single(history.Epochs);
        Assert.Null(epoch.ValidationLoss);
        Assert.Null(epoch.ValidationAccuracy);
        Assert.Equal(0, epoch.ValidationSeconds);
    }

    [Fact]
    public void Evaluate_counts_every_sample_once_and_gives_the_predicted_classes()
    {
        var model = new MnistMlp(8);
        var data = Digits(1234, 13); // not a multiple of the evaluation batch
        var predictions = new int[data.Count];

        EvaluationResult result = model.Evaluate(data, batchSize: 100, predictions);

        var classes = new int[data.Count];
        model.PredictClasses(data.Inputs, classes);
        Assert.Equal(classes, predictions);
        Assert.Equal(data.Count, result.Count);
        Assert.Equal(classes.Zip(data.Labels).Count(p => p.First == p.Second), result.Correct);
        // The mean over all samples, whatever the batches: the same within float rounding at any batch size.
        Assert.Equal(result.Loss, model.Evaluate(data, batchSize: 1234).Loss, 1e-6);
    }

    [Fact]
    public void A_diverging_run_stops_early_and_says_so_in_the_history()
    {
        var model = new MnistMlp(9);

        TrainingHistory history = model.Fit(s_train, new Sgd(1e38f), epochs: 5, new FitOptions { BatchSize = 50 }, validation: s_test);

        Assert.True(history.StoppedEarly);
        EpochRecord last = Assert.Single(history.Epochs);
        Assert.False(double.IsFinite(last.Loss));
        Assert.Null(last.ValidationLoss);
        Assert.Matches(@"^the loss became (NaN|∞|-∞|Infinity|-Infinity) at batch \d+ of epoch 1$", history.StopReason);
    }

    [Fact]
    public void Progress_is_reported_after_every_step_with_the_running_figures()
    {
        var progress = new Recorder();
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), new Adam(), s_train.Take(70), new FitOptions { BatchSize = 32 });

        TrainingHistory history = trainer.Fit(2, progress: progress);

        Assert.Equal(3, trainer.BatchesPerEpoch);
        Assert.Equal([1, 1, 1, 2, 2, 2], progress.Reports.Select(r => r.Epoch));
        Assert.Equal([1, 2, 3, 1, 2, 3], progress.Reports.Select(r => r.Batch));
        Assert.Equal([32, 64, 70, 32, 64, 70], progress.Reports.Select(r => r.Samples));
        Assert.All(progress.Reports, r => Assert.Equal(3, r.Batches));
        Assert.Equal(history.Epochs[1].Loss, progress.Reports[^1].Loss);
        Assert.Equal(history.Epochs[1].Accuracy, progress.Reports[^1].Accuracy);
        Assert.Equal(2, trainer.EpochsCompleted);
    }

    [Fact]
    public void Cancellation_stops_before_the_next_step()
    {
        var model = new MnistMlp(2);
        float[] initial = (float[])model.Parameters.Clone();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => model.Fit(s_train, new Adam(), epochs: 1, cancellationToken: cancellation.Token));
        Assert.Equal(initial, model.Parameters);

        // Cancelled from the progress callback: the step that reported is the last one.
        using var midway = new CancellationTokenSource();
        var progress = new Recorder(r => { if (r.Batch == 2) midway.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => model.Fit(s_train, new Adam(), epochs: 1, progress: progress, cancellationToken: midway.Token));
        Assert.Equal(2, progress.Reports.Count);
    }

    [Fact]
    public void A_batch_larger_than_the_set_trains_on_the_whole_set_each_step()
    {
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), new Adam(), s_train.Take(10), new FitOptions { BatchSize = 1000 });

        EpochResult epoch = trainer.TrainEpoch();

        Assert.Equal(10, trainer.BatchSize);
        Assert.Equal(1, epoch.Batches);
        Assert.Equal(10, epoch.Samples);
    }

    private sealed class Recorder(Action<BatchProgress>? also = null) : IProgress<BatchProgress>
    {
        public List<BatchProgress> Reports { get; } = [];

        public void Report(BatchProgress value)
        {
            Reports.Add(value);
            also?.Invoke(value);
        }
    }
}
