using ModelGen.Tests.Models;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>Fit and Evaluate for regressors: the same loop as for classifiers, on target values.</summary>
[Collection(AllocationTestGroup.Name)]
public sealed class FitRegressorTests
{
    // XOR with some noise-free repeats, so an epoch has several batches.
    private static RegressionData Xor(int repeats)
    {
        float[] points = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] outputs = [0, 1, 1, 0];
        var inputs = new float[repeats * 8];
        var targets = new float[repeats * 4];
        for (int r = 0; r < repeats; r++)
        {
            points.CopyTo(inputs, r * 8);
            outputs.CopyTo(targets, r * 4);
        }
        return new RegressionData(inputs, targets, 2, 1);
    }

    [Fact]
    public void Fit_learns_xor_and_the_validation_loss_equals_a_separate_evaluate()
    {
        var model = new XorNet(seed: 3);
        RegressionData train = Xor(16), validation = Xor(1);
        double before = model.Evaluate(validation).Loss;

        TrainingHistory history = model.Fit(train, new Adam(0.02f), epochs: 150, new FitOptions { BatchSize = 8, Seed = 4 }, validation);

        Assert.False(history.StoppedEarly);
        Assert.Equal(150, history.Epochs.Count);
        Assert.All(history.Epochs, e => Assert.True(double.IsNaN(e.Accuracy) && e.ValidationAccuracy is null));
        double after = model.Evaluate(validation).Loss;
        Assert.Equal(after, history.Epochs[^1].ValidationLoss);
        Assert.True(after < 0.02 && after < before / 5, $"XOR loss {before:G3} → {after:G3}");
    }

    [Fact]
    public void Same_seeds_give_the_same_parameters_and_history()
    {
        (float[] Parameters, double[] Losses) Run()
        {
            var model = new XorNet(seed: 8);
            TrainingHistory history = model.Fit(Xor(8), new Adam(0.01f), epochs: 5, new FitOptions { BatchSize = 5, Seed = 9 });
            return (model.Parameters.ToArray(), history.Epochs.Select(e => e.Loss).ToArray());
        }
        var first = Run();
        var second = Run();
        Assert.Equal(first.Parameters, second.Parameters);
        Assert.Equal(first.Losses, second.Losses);
    }

    [Fact]
    public void A_diverging_run_stops_and_says_why()
    {
        // A linear output with a learning rate of 1e38: the weights overflow within a few steps.
        var model = new SigmoidTanhLinearNet(seed: 1);
        var data = new RegressionData(TestData.Uniform(3 * 64, 5), TestData.Uniform(2 * 64, 6), 3, 2);
        TrainingHistory history = model.Fit(data, new Sgd(1e38f), epochs: 10, new FitOptions { BatchSize = 4 });
        Assert.True(history.StoppedEarly);
        Assert.Contains("the loss became", history.StopReason, StringComparison.Ordinal);
        Assert.True(history.Epochs.Count < 10);
    }

    [Fact]
    public void Data_that_does_not_fit_the_model_is_refused_before_training()
    {
        var model = new XorNet(seed: 1);
        var wrongTargets = new RegressionData(new float[8], new float[8], 2, 2);
        var exception = Assert.Throws<ArgumentException>(() => model.Fit(wrongTargets, new Adam(), epochs: 1));
        Assert.Contains("2 target values per sample; the model gives 1", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RegressionData(new float[7], new float[4], 2, 1));
        Assert.Throws<ArgumentException>(() => new RegressionData(new float[8], [], 2, 1));
    }

    [Fact]
    public void An_epoch_allocates_nothing_after_the_first()
    {
        var model = new XorNet(seed: 2);
        var trainer = new RegressorTrainer<XorNet.Workspace>(model, new Adam(), Xor(16), new FitOptions { BatchSize = 8 });
        Assert.Equal(0, AllocationMeter.Measure(() => trainer.TrainEpoch(), repetitions: 5));
    }
}
