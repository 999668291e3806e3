using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Training;
using ModelGen.Training;

namespace ModelGen.Mnist.Tests;

/// <summary>The sample's epoch loop over the runtime helper: remainder batches, determinism, learning, and the evaluation figures.</summary>
public sealed class TrainingTests
{
    private static readonly TrainingOptions s_options = TrainingOptions.Default with { BatchSize = 32, Seed = 7 };

    [Fact]
    public void The_last_batch_of_an_epoch_holds_the_remainder()
    {
        var train = SyntheticDigits.Make(70, 1);
        var model = new MnistMlp(s_options.Seed);
        Trainer trainer = MnistNetwork.Mlp.CreateTrainer(model, s_options, train);
        var seen = new List<BatchProgress>();

        EpochResult epoch = trainer.TrainEpoch(seen.Add, CancellationToken.None);

        Assert.Equal(3, trainer.BatchesPerEpoch);
        Assert.Equal([32, 64, 70], seen.Select(m => m.Samples));
        Assert.Equal(3, epoch.Batches);
        Assert.Equal(70, epoch.Samples);
        Assert.False(epoch.Diverged);
        Assert.True(double.IsFinite(epoch.Loss) && epoch.Loss > 0);
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_parameters_and_metrics()
    {
        var train = SyntheticDigits.Make(300, 2);

        (float[] parameters, EpochResult[] metrics) Run(ulong seed)
        {
            var model = new MnistMlp(seed);
            Trainer trainer = MnistNetwork.Mlp.CreateTrainer(model, s_options with { Seed = seed, BatchSize = 50 }, train);
            var epochs = new[] { trainer.TrainEpoch(null, CancellationToken.None), trainer.TrainEpoch(null, CancellationToken.None) };
            // Timings differ from run to run; every other figure must not.
            return ((float[])model.Parameters.Clone(), epochs.Select(e => e with { Seconds = 0 }).ToArray());
        }

        var first = Run(11);
        var second = Run(11);
        var other = Run(12);

        Assert.Equal(first.parameters, second.parameters);
        Assert.Equal(first.metrics, second.metrics);
        Assert.NotEqual(first.parameters, other.parameters);
    }

    [Fact]
    public void Training_learns_a_separable_toy_problem()
    {
        var train = SyntheticDigits.Make(2000, 3);
        var test = SyntheticDigits.Make(500, 4);
        var model = new MnistMlp(5);
        Trainer trainer = MnistNetwork.Mlp.CreateTrainer(model, s_options, train);
        Evaluator evaluator = MnistNetwork.Mlp.CreateEvaluator(model);
        double before = evaluator.Evaluate(test).Loss;

        for (int epoch = 0; epoch < 3; epoch++) trainer.TrainEpoch(null, CancellationToken.None);
        Evaluation after = evaluator.Evaluate(test);

        Assert.True(after.Loss < before / 10, $"loss {before} -> {after.Loss}");
        Assert.True(after.Accuracy > 0.99, $"accuracy {after.Accuracy}");
    }

    [Fact]
    public void Sgd_trains_too()
    {
        var train = SyntheticDigits.Make(1000, 6);
        var model = new MnistMlp(6);
        var options = s_options with { Optimizer = OptimizerKind.Sgd, LearningRate = TrainingOptions.DefaultLearningRate(OptimizerKind.Sgd) };
        Trainer trainer = MnistNetwork.Mlp.CreateTrainer(model, options, train);

        EpochResult first = trainer.TrainEpoch(null, CancellationToken.None);
        EpochResult later = default;
        for (int epoch = 0; epoch < 4; epoch++) later = trainer.TrainEpoch(null, CancellationToken.None);

        Assert.True(later.Loss < first.Loss / 2, $"loss {first.Loss} -> {later.Loss}");
    }

    [Fact]
    public void Precision_recall_and_accuracy_follow_the_confusion_counts()
    {
        int[] labels = [0, 0, 1, 1, 2];
        int[] predictions = [0, 1, 1, 1, 1];
        var confusion = new int[10, 10];
        for (int i = 0; i < labels.Length; i++) confusion[labels[i], predictions[i]]++;

        var evaluation = new Evaluation(0.5, labels, predictions, confusion);

        Assert.Equal(3, evaluation.Correct);
        Assert.Equal(0.6, evaluation.Accuracy);
        Assert.Equal(1.0, evaluation.Precision(0));
        Assert.Equal(0.5, evaluation.Recall(0));
        Assert.Equal(0.5, evaluation.Precision(1));
        Assert.Equal(1.0, evaluation.Recall(1));
        Assert.Equal(0.0, evaluation.Recall(2));
        Assert.True(double.IsNaN(evaluation.Precision(2)));
        Assert.True(double.IsNaN(evaluation.Recall(5)));
        Assert.Equal(2, evaluation.Support(1));
    }

    [Fact]
    public void The_evaluator_counts_every_image_once()
    {
        var test = SyntheticDigits.Make(1234, 7); // not a multiple of the evaluator's chunk
        var model = new MnistMlp(8);
        var evaluation = MnistNetwork.Mlp.CreateEvaluator(model).Evaluate(test);
        var classes = new int[test.Count];
        model.PredictClasses(test.Pixels, classes);

        Assert.Equal(classes, evaluation.Predictions);
        int total = 0, diagonal = 0;
        for (int t = 0; t < 10; t++)
        for (int p = 0; p < 10; p++)
        {
            total += evaluation.Confusion[t, p];
            if (t == p) diagonal += evaluation.Confusion[t, p];
        }
        Assert.Equal(test.Count, total);
        Assert.Equal(evaluation.Correct, diagonal);
    }
}
