using ModelGen.Tests.Models;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>Keras' <c>validation_split</c>: the last fraction of the data as given validates, and Fit evaluates it after each epoch.</summary>
public sealed class ValidationSplitTests
{
    // Sample i has every input equal to i and label i % 10: which rows went where is read off the values.
    private static LabeledData Numbered(int count, int inputSize = 3)
    {
        var inputs = new float[count * inputSize];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            inputs.AsSpan(i * inputSize, inputSize).Fill(i);
            labels[i] = i % 10;
        }
        return new LabeledData(inputs, labels, inputSize);
    }

    private static LabeledData Digits(int count, ulong seed)
    {
        var (images, labels) = SyntheticDigits.Create(count, seed);
        return new LabeledData(images, labels, SyntheticDigits.Pixels);
    }

    [Fact]
    public void The_validation_part_is_the_last_samples_in_the_datas_order_and_both_are_copies()
    {
        LabeledData data = Numbered(10);

        var (train, validation) = data.Split(0.2);

        Assert.Equal(Enumerable.Range(0, 8).SelectMany(i => Enumerable.Repeat((float)i, 3)), train.Inputs);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], train.Labels);
        Assert.Equal([8f, 8, 8, 9, 9, 9], validation.Inputs);
        Assert.Equal([8, 9], validation.Labels);
        Assert.Equal(3, validation.InputSize);
        Assert.NotSame(data.Inputs, train.Inputs);
        train.Inputs[0] = 99;
        Assert.Equal(0f, data.Inputs[0]);
    }

    [Theory]
    [InlineData(1000, 0.1, 900)]
    [InlineData(60000, 0.1, 54000)]
    [InlineData(7, 0.5, 3)]       // ⌊3.5⌋
    [InlineData(3, 0.34, 1)]
    [InlineData(10, 0.8, 1)]      // 10 · (1 − 0.8) is 1.9999999999999996 in double, as in Keras: one training sample, not two
    [InlineData(25, 0.56, 10)]    // 10.999999999999998: Keras trains on 10
    [InlineData(100, 0.07, 93)]
    public void The_cut_is_Keras_floor_of_count_times_one_minus_the_fraction(int count, double fraction, int trainCount)
    {
        var (train, validation) = Numbered(count, inputSize: 1).Split(fraction);

        Assert.Equal(trainCount, train.Count);
        Assert.Equal(count - trainCount, validation.Count);
        Assert.Equal(trainCount, validation.Inputs[0]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_fraction_not_strictly_between_0_and_1_is_refused(double fraction)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(fraction));
        Assert.Equal("validationFraction", e.ParamName);
        Assert.Contains("it must be above 0 and below 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_split_that_would_leave_a_part_empty_is_refused()
    {
        // ⌊5 · 0.2⌋ = ⌊0.9999999999999998⌋ = 0: Keras refuses it too.
        var e = Assert.Throws<ArgumentException>(() => Numbered(5).Split(0.8));
        Assert.StartsWith("5 sample(s) cannot be split into a training and a validation part by a validation fraction of 0.8", e.Message);
        // 1 − 1e-17 is 1 in double: every sample would train and none validate.
        Assert.Throws<ArgumentException>(() => Numbered(10).Split(1e-17));
        Assert.Equal(1, Numbered(5).Split(0.1).Validation.Count);
    }

    [Fact]
    public void Regression_data_splits_the_same_way()
    {
        var data = new RegressionData([0, 0, 1, 1, 2, 2, 3, 3], [10, 11, 12, 13], 2, 1);

        var (train, validation) = data.Split(0.25);

        Assert.Equal([0f, 0, 1, 1, 2, 2], train.Inputs);
        Assert.Equal([10f, 11, 12], train.Targets);
        Assert.Equal([3f, 3], validation.Inputs);
        Assert.Equal([13f], validation.Targets);
    }

    [Fact]
    public void The_trainer_trains_on_the_first_part_and_Fit_validates_on_the_last_as_with_the_parts_given_by_hand()
    {
        LabeledData data = Digits(300, 31);
        var options = new FitOptions { BatchSize = 32, Seed = 7 };

        var split = new MnistMlp(4);
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(split, new Adam(), data, options with { ValidationSplit = 0.2 });
        TrainingHistory history = trainer.Fit(2);

        var (train, validation) = data.Split(0.2);
        var byHand = new MnistMlp(4);
        TrainingHistory expected = byHand.Fit(train, new Adam(), 2, options, validation);

        Assert.Equal(240, trainer.Train.Count);
        Assert.Equal(60, trainer.Validation!.Count);
        Assert.Equal(8, trainer.BatchesPerEpoch);
        Assert.Equal(data.Labels[240..], trainer.Validation.Labels);
        Assert.Equal(byHand.Parameters, split.Parameters);
        Assert.Equal(expected.Epochs.Select(e => (e.Loss, e.ValidationLoss, e.ValidationAccuracy)), history.Epochs.Select(e => (e.Loss, e.ValidationLoss, e.ValidationAccuracy)));
        Assert.All(history.Epochs, e => Assert.NotNull(e.ValidationLoss));
    }

    [Fact]
    public void A_split_of_0_trains_on_every_sample_bit_for_bit_as_without_the_option()
    {
        LabeledData data = Digits(200, 32);
        var with = new MnistMlp(5);
        var without = new MnistMlp(5);

        with.Fit(data, new Adam(), 2, new FitOptions { Seed = 3, ValidationSplit = 0 });
        without.Fit(data, new Adam(), 2, new FitOptions { Seed = 3 });

        Assert.Equal(without.Parameters, with.Parameters);
    }

    [Fact]
    public void Validation_data_given_to_Fit_as_well_as_a_split_is_refused()
    {
        LabeledData data = Digits(100, 33);
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), new Adam(), data, new FitOptions { ValidationSplit = 0.1 });

        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(1, data));

        Assert.Equal("validation", e.ParamName);
        Assert.Equal(0, trainer.EpochsCompleted);
    }

    [Fact]
    public void A_bad_split_in_the_options_is_refused_when_the_trainer_is_made()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), new Adam(), Digits(10, 1), new FitOptions { ValidationSplit = 1 }));
        Assert.Equal("options.ValidationSplit", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new XorNet().Fit(new RegressionData([0, 1], [1], 2, 1), new Adam(), 1, new FitOptions { ValidationSplit = -0.5 }));
    }
}
