namespace ModelGen;

/// <summary>The same learning rate at every step: what an optimizer does without a schedule, stated as one.</summary>
/// <param name="learningRate">The rate of every step; positive and finite.</param>
public sealed class ConstantSchedule(double learningRate) : LearningRateSchedule
{
    /// <summary>The rate of every step.</summary>
    public double Rate { get; } = Positive(learningRate, nameof(learningRate));

    /// <inheritdoc />
    protected override double RateAt(long stepIndex, long totalSteps) => Rate;
}
