using ModelGen.Tests.Models;
using ModelGen.TestModels;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>
/// After warm-up, training epochs (with progress reports) and evaluations allocate exactly zero bytes,
/// on this thread and on the kernel workers, measured by <see cref="AllocationMeter"/> as <see cref="AllocationTests"/> are.
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class FitAllocationTests
{
    private static readonly LabeledData s_data = Create();

    private static LabeledData Create()
    {
        var (images, labels) = SyntheticDigits.Create(100, seed: 1);
        return new LabeledData(images, labels, SyntheticDigits.Pixels);
    }

    [Fact]
    public void Training_epochs_allocate_nothing()
    {
        // 100 samples in batches of 32: four steps per epoch, the last one a remainder; 10 epochs = 40 steps.
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), new Adam(), s_data, new FitOptions { BatchSize = 32, Seed = 1 });
        var progress = new Counter();

        long bytes = AllocationMeter.Measure(() => trainer.TrainEpoch(progress, CancellationToken.None), repetitions: 10);

        Assert.Equal(0, bytes);
        Assert.True(progress.Reports >= 12 * 4, $"{progress.Reports} reports"); // the measurement ran what it says
    }

    [Fact]
    public void Training_epochs_with_a_schedule_and_weight_decay_allocate_nothing()
    {
        // One-cycle sets the rate and β1 (or μ) before each step; AdamW and Nesterov SGD decay the weights only.
        var model = new MnistMlp(1);
        var options = new FitOptions { BatchSize = 32, Seed = 1, Schedule = new OneCycleSchedule(0.01), ScheduledEpochs = 20 };
        Optimizer[] optimizers =
        [
            new AdamW(weightDecay: 0.05f) { DecayMask = DecayMask.WeightsOnly(model) },
            new Sgd(0.01f, momentum: 0.9f, weightDecay: 5e-4f, nesterov: true) { DecayMask = DecayMask.WeightsOnly(model) },
        ];
        foreach (Optimizer optimizer in optimizers)
        {
            var trainer = new ClassifierTrainer<MnistMlp.Workspace>(model, optimizer, s_data, options);
            var progress = new Counter();

            long bytes = AllocationMeter.Measure(() => trainer.TrainEpoch(progress, CancellationToken.None), repetitions: 10);

            Assert.Equal(0, bytes);
            Assert.True(progress.Reports >= 12 * 4, $"{progress.Reports} reports");
        }
    }

    [Fact]
    public void Training_epochs_with_image_augmentation_allocate_nothing()
    {
        // Crop, flip, rotation, translation and erasing of every image of every batch, reseeded from (seed, step) per batch.
        var augmentation = new ImageAugmentation { CropPadding = 2, HorizontalFlip = true, MaxTranslation = 2, MaxRotationDegrees = 10, ErasingProbability = 0.5 };
        var trainer = new ClassifierTrainer<TinyConvNet.Workspace>(new TinyConvNet(1), new Adam(), s_data,
            new FitOptions { BatchSize = 32, Seed = 1, Augmentation = augmentation });
        var progress = new Counter();

        long bytes = AllocationMeter.Measure(() => trainer.TrainEpoch(progress, CancellationToken.None), repetitions: 10);

        Assert.Equal(0, bytes);
        Assert.True(progress.Reports >= 12 * 4, $"{progress.Reports} reports");
    }

    [Fact]
    public void Training_epochs_with_gradient_clipping_and_label_smoothing_allocate_nothing()
    {
        // A max norm small enough that every step clips (the scaled copy of the gradients is made on the first).
        var options = new FitOptions { BatchSize = 32, Seed = 1, LabelSmoothing = 0.1f };
        var optimizer = new Sgd(0.01f, momentum: 0.9f) { ClipGradientNorm = 1e-3f };
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), optimizer, s_data, options);
        var progress = new Counter();

        long bytes = AllocationMeter.Measure(() => trainer.TrainEpoch(progress, CancellationToken.None), repetitions: 10);

        Assert.Equal(0, bytes);
        Assert.True(progress.Reports >= 12 * 4, $"{progress.Reports} reports");
        Assert.True(optimizer.LastGradientNorm > 1e-3f, $"the gradient norm {optimizer.LastGradientNorm} was not clipped");
    }

    [Fact]
    public void Training_epochs_with_a_validation_split_early_stopping_and_a_callback_allocate_nothing()
    {
        // The options change Fit's epoch ends, never a step: the held-out part is copied once, when the trainer is made.
        var options = new FitOptions { BatchSize = 32, Seed = 1, ValidationSplit = 0.2, EarlyStopping = new EarlyStopping { Patience = 2 }, EpochEnded = (_, _) => { } };
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), new Adam(), s_data, options);
        var progress = new Counter();

        long bytes = AllocationMeter.Measure(() => trainer.TrainEpoch(progress, CancellationToken.None), repetitions: 10);

        Assert.Equal(0, bytes);
        Assert.Equal(80, trainer.Train.Count);
        Assert.True(progress.Reports >= 12 * 3, $"{progress.Reports} reports");
    }

    [Fact]
    public void Early_stoppings_check_and_its_copies_of_the_best_weights_allocate_nothing()
    {
        // A falling figure makes every epoch a new best, whose parameters, running statistics and counters are copied into
        // the buffers allocated with the stopper; every other epoch is told a worse figure; then the best weights go back.
        var model = new TinyResNet(1);
        var stopper = new EarlyStopper(new EarlyStopping { Patience = 1000 }, model);
        int epoch = 0;

        long bytes = AllocationMeter.Measure(() =>
        {
            epoch++;
            stopper.Update(epoch, epoch % 2 == 0 ? 1e9 : 1.0 / epoch);
            stopper.RestoreBestWeights();
        }, repetitions: 10);

        Assert.Equal(0, bytes);
        Assert.True(stopper.State.BestEpoch >= epoch - 1, $"best epoch {stopper.State.BestEpoch} of {epoch}");
        Assert.Equal(TinyResNet.ParameterCount, stopper.State.BestParameters.Length);
        Assert.Equal(TinyResNet.StateCount, stopper.State.BestState.Length);
    }

    [Fact]
    public void Evaluations_allocate_nothing()
    {
        var evaluator = new ClassifierEvaluator<MnistMlp.Workspace>(new MnistMlp(1), batchSize: 30);
        var predictions = new int[s_data.Count];

        Assert.Equal(0, AllocationMeter.Measure(() => evaluator.Evaluate(s_data, predictions), repetitions: 10));
    }

    private sealed class Counter : IProgress<BatchProgress>
    {
        public int Reports { get; private set; }

        public void Report(BatchProgress value) => Reports++;
    }
}
