using ModelGen.Tests.Models;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>Data and options that do not fit the model are refused up front, with messages that say what is wrong.</summary>
public sealed class FitArgumentTests
{
    private static readonly LabeledData s_digits = new(new float[3 * 784], [0, 1, 2], 784);

    [Fact]
    public void Inputs_that_do_not_match_the_labels()
    {
        var e = Assert.Throws<ArgumentException>(() => new LabeledData(new float[10], [0, 1, 2], 4));
        Assert.Equal("inputs", e.ParamName);
        Assert.StartsWith("3 samples of 4 values need 12 inputs; got 10.", e.Message);
    }

    [Fact]
    public void No_samples()
    {
        var e = Assert.Throws<ArgumentException>(() => new LabeledData([], [], 4));
        Assert.StartsWith("The data has no samples", e.Message);
    }

    [Fact]
    public void A_negative_label()
    {
        var e = Assert.Throws<ArgumentException>(() => new LabeledData(new float[8], [1, -3], 4));
        Assert.StartsWith("Label 1 is -3; class labels are 0 or more.", e.Message);
    }

    [Fact]
    public void Training_data_of_another_input_size()
    {
        var points = new LabeledData(new float[6], [0, 1, 0], 2);
        var e = Assert.Throws<ArgumentException>(() => new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(), new Adam(), points));
        Assert.Equal("train", e.ParamName);
        Assert.StartsWith("The training data has 2 values per sample; the model takes 784.", e.Message);
    }

    [Fact]
    public void A_label_the_model_has_no_class_for()
    {
        var data = new LabeledData(new float[2 * 784], [3, 10], 784);
        var e = Assert.Throws<ArgumentException>(() => new MnistMlp().Fit(data, new Adam(), 1));
        Assert.StartsWith("Label 1 of the training data is 10; the model has 10 classes (0 to 9).", e.Message);
    }

    [Fact]
    public void Validation_data_that_does_not_fit_is_refused_before_any_step()
    {
        var model = new MnistMlp(1);
        float[] initial = (float[])model.Parameters.Clone();
        var validation = new LabeledData(new float[4], [0, 1], 2);

        var e = Assert.Throws<ArgumentException>(() => model.Fit(s_digits, new Adam(), 1, validation: validation));

        Assert.Equal("validation", e.ParamName);
        Assert.StartsWith("The validation data has 2 values per sample; the model takes 784.", e.Message);
        Assert.Equal(initial, model.Parameters);
    }

    [Fact]
    public void Evaluation_data_that_does_not_fit()
    {
        var e = Assert.Throws<ArgumentException>(() => new MnistMlp().Evaluate(new LabeledData(new float[4], [0, 1], 2)));
        Assert.StartsWith("The evaluation data has 2 values per sample; the model takes 784.", e.Message);
    }

    [Fact]
    public void A_predictions_span_of_the_wrong_length()
    {
        var e = Assert.Throws<ArgumentException>(() => new MnistMlp().Evaluate(s_digits, predictions: new int[2]));
        Assert.Equal("predictions", e.ParamName);
        Assert.StartsWith("'predictions' has 2 elements; the data has 3 samples.", e.Message);
    }

    [Theory]
    [InlineData(0, 500, 1)]
    [InlineData(32, 0, 1)]
    [InlineData(32, 500, 0)]
    public void Sizes_and_epochs_below_one(int batchSize, int evaluationBatchSize, int epochs)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new MnistMlp().Fit(s_digits, new Adam(), epochs, new FitOptions { BatchSize = batchSize, EvaluationBatchSize = evaluationBatchSize }));
    }

    [Fact]
    public void Null_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => new ClassifierTrainer<MnistMlp.Workspace>(null!, new Adam(), s_digits));
        Assert.Throws<ArgumentNullException>(() => new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(), null!, s_digits));
        Assert.Throws<ArgumentNullException>(() => new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(), new Adam(), null!));
        Assert.Throws<ArgumentNullException>(() => new MnistMlp().Evaluate(null!));
    }
}
