using ModelGen.Tests.Models;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>Fit trains in training mode (dropout drops) and evaluates in inference mode (dropout passes values through).</summary>
public sealed class FitDropoutTests
{
    private static readonly LabeledData s_data = Create();

    private static LabeledData Create()
    {
        var (images, labels) = SyntheticDigits.Create(200, seed: 3);
        return new LabeledData(images, labels, SyntheticDigits.Pixels);
    }

    // One step on the whole set with a step size too small to change any parameter: the epoch's loss is
    // then the training-mode loss of exactly the parameters an evaluation sees.
    private static (double Training, double Inference) Losses<TWorkspace>(IClassifier<TWorkspace> model) where TWorkspace : IWorkspace
    {
        var trainer = new ClassifierTrainer<TWorkspace>(model, new Sgd(1e-30f), s_data, new FitOptions { BatchSize = s_data.Count, Shuffle = false });
        double training = trainer.TrainEpoch().Loss;
        return (training, model.Evaluate(s_data, batchSize: s_data.Count).Loss);
    }

    [Fact]
    public void Training_steps_drop_and_evaluations_do_not()
    {
        var (training, inference) = Losses(new DropoutNet(seed: 1));
        Assert.NotEqual(inference, training);

        // The control: without dropout the two modes are the same computation.
        var (plainTraining, plainInference) = Losses(new MnistMlp(seed: 1));
        Assert.Equal(plainInference, plainTraining);
    }

    [Fact]
    public void Evaluation_of_a_dropout_model_is_deterministic_and_matches_its_predictions()
    {
        var model = new DropoutNet(seed: 2);
        var predictions = new int[s_data.Count];

        EvaluationResult first = model.Evaluate(s_data, predictions: predictions);
        EvaluationResult second = model.Evaluate(s_data);

        Assert.Equal(first.Loss, second.Loss);
        var classes = new int[s_data.Count];
        model.PredictClasses(s_data.Inputs, classes);
        Assert.Equal(classes, predictions);
    }

    [Fact]
    public void The_same_seeds_give_the_same_dropout_masks_and_so_the_same_parameters()
    {
        float[] Run()
        {
            var model = new DropoutNet(seed: 4);
            model.Fit(s_data, new Adam(), epochs: 2, new FitOptions { BatchSize = 50, Seed = 4 });
            return model.Parameters;
        }

        Assert.Equal(Run(), Run());
    }
}
