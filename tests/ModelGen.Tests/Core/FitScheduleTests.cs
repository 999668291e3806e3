using ModelGen.Tests.Models;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>
/// FitOptions.Schedule: the trainers set the optimizer's rate (and momentum term) from the schedule before every step,
/// numbered from 0 over the trainer's life, for a run of ScheduledEpochs (or Fit's) epochs.
/// </summary>
public sealed class FitScheduleTests
{
    private static readonly LabeledData s_data = Digits(70, 21);

    private static LabeledData Digits(int count, ulong seed)
    {
        var (images, labels) = SyntheticDigits.Create(count, seed);
        return new LabeledData(images, labels, SyntheticDigits.Pixels);
    }

    [Fact]
    public void Fit_sets_each_steps_rate_from_the_schedule_over_the_whole_run()
    {
        var optimizer = new RecordingOptimizer();
        var schedule = new OneCycleSchedule(0.5, cycleMomentum: false);
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), optimizer, s_data, new FitOptions { BatchSize = 32, Schedule = schedule });
        var progress = new Recorder();

        TrainingHistory history = trainer.Fit(4, progress: progress);

        // 70 samples in batches of 32: 3 steps an epoch, 12 in the run.
        Assert.Equal(12, trainer.Steps);
        float[] expected = Enumerable.Range(0, 12).Select(t => (float)schedule.LearningRate(t, 12)).ToArray();
        Assert.Equal(expected, optimizer.Rates);
        Assert.Equal(expected.Select(r => (double)r), progress.Reports.Select(r => r.LearningRate));
        Assert.Equal([expected[2], expected[5], expected[8], expected[11]], history.Epochs.Select(e => (float)e.LearningRate));
    }

    [Fact]
    public void Train_epoch_follows_the_scheduled_epochs_and_past_the_end_keeps_the_last_rate()
    {
        var optimizer = new RecordingOptimizer();
        var schedule = new StepDecaySchedule(0.1, stepSize: 3, gamma: 0.5);
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), optimizer, s_data,
            new FitOptions { BatchSize = 32, Schedule = schedule, ScheduledEpochs = 2 });

        for (int epoch = 0; epoch < 3; epoch++) trainer.TrainEpoch();

        // Six steps planned (0.1, 0.1, 0.1, 0.05, 0.05, 0.05), then three past the end at the last rate.
        Assert.Equal([0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f], optimizer.Rates);
    }

    [Fact]
    public void Fit_after_fit_plans_for_every_epoch_so_far_unless_the_run_is_scheduled()
    {
        var schedule = new CosineSchedule(1.0);
        var unplanned = new RecordingOptimizer();
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), unplanned, s_data, new FitOptions { BatchSize = 32, Schedule = schedule });
        trainer.Fit(1);
        trainer.Fit(1);
        // The second call plans 2 epochs (6 steps) and continues at step 3.
        float[] first = Enumerable.Range(0, 3).Select(t => (float)schedule.LearningRate(t, 3)).ToArray();
        float[] second = Enumerable.Range(3, 3).Select(t => (float)schedule.LearningRate(t, 6)).ToArray();
        Assert.Equal([.. first, .. second], unplanned.Rates);

        var planned = new RecordingOptimizer();
        trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), planned, s_data,
            new FitOptions { BatchSize = 32, Schedule = schedule, ScheduledEpochs = 2 });
        trainer.Fit(1);
        trainer.Fit(1);
        Assert.Equal(Enumerable.Range(0, 6).Select(t => (float)schedule.LearningRate(t, 6)), planned.Rates);
    }

    [Fact]
    public void A_schedule_that_cycles_momentum_sets_sgds_momentum_and_adams_beta1()
    {
        var schedule = new OneCycleSchedule(0.01);
        var sgd = new Sgd(0.01f);
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), sgd, s_data, new FitOptions { BatchSize = 32, Schedule = schedule });
        var momenta = new List<float>();
        trainer.Fit(2, progress: new Recorder(_ => momenta.Add(sgd.Momentum)));
        Assert.Equal(Enumerable.Range(0, 6).Select(t => (float)schedule.Momentum(t, 6)), momenta);

        var adam = new Adam();
        var betas = new List<float>();
        new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), adam, s_data, new FitOptions { BatchSize = 32, Schedule = schedule })
            .Fit(2, progress: new Recorder(_ => betas.Add(adam.Beta1)));
        Assert.Equal(momenta, betas);
    }

    [Fact]
    public void Without_a_schedule_the_optimizers_rate_is_left_alone()
    {
        var optimizer = new RecordingOptimizer { LearningRate = 0.25f };
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), optimizer, s_data, new FitOptions { BatchSize = 32 });
        trainer.TrainEpoch();
        Assert.Equal([0.25f, 0.25f, 0.25f], optimizer.Rates);
        Assert.Equal(3, trainer.Steps);
    }

    [Fact]
    public void A_regressor_trainer_follows_the_schedule_too()
    {
        var optimizer = new RecordingOptimizer();
        var schedule = new CosineSchedule(0.1, warmupSteps: 2);
        var data = new RegressionData([0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f], [0f, 1f, 1f, 0f], 2, 1);
        var trainer = new RegressorTrainer<XorNet.Workspace>(new XorNet(1), optimizer, data, new FitOptions { BatchSize = 2, Schedule = schedule });
        trainer.Fit(3);
        Assert.Equal(Enumerable.Range(0, 6).Select(t => (float)schedule.LearningRate(t, 6)), optimizer.Rates);
    }

    [Fact]
    public void Misuses_are_refused_in_one_line_before_any_step()
    {
        var model = new MnistMlp(1);
        float[] initial = (float[])model.Parameters.Clone();
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(model, new Adam(), s_data, new FitOptions { Schedule = new ConstantSchedule(0.1) });
        var unplanned = Assert.Throws<InvalidOperationException>(() => trainer.TrainEpoch());
        Assert.Equal("A schedule needs the run's length: set FitOptions.ScheduledEpochs to train epoch by epoch, or call Fit.", unplanned.Message);
        Assert.Equal(initial, model.Parameters);

        var noMomentum = Assert.Throws<ArgumentException>(() =>
            new ClassifierTrainer<MnistMlp.Workspace>(model, new RecordingOptimizer(), s_data, new FitOptions { Schedule = new OneCycleSchedule(0.1) }));
        Assert.StartsWith("The schedule cycles the momentum, and RecordingOptimizer has none", noMomentum.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ClassifierTrainer<MnistMlp.Workspace>(model, new Adam(), s_data, new FitOptions { Schedule = new ConstantSchedule(0.1), ScheduledEpochs = 0 }));
    }

    [Fact]
    public void Batches_per_epoch_counts_the_remainder_and_caps_the_batch_at_the_set()
    {
        Assert.Equal(3, new FitOptions { BatchSize = 32 }.BatchesPerEpoch(70));
        Assert.Equal(2, new FitOptions { BatchSize = 35 }.BatchesPerEpoch(70));
        Assert.Equal(1, new FitOptions { BatchSize = 1000 }.BatchesPerEpoch(70));
        Assert.Equal(1875, new FitOptions().BatchesPerEpoch(60_000));
    }

    /// <summary>Takes no step at all: records the learning rate each step was given.</summary>
    private sealed class RecordingOptimizer() : Optimizer(1f)
    {
        public List<float> Rates { get; } = [];

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long stepNumber) => Rates.Add(LearningRate);
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
