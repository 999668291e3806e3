namespace ModelGen.Training;

/// <summary>Samples and their target outputs, for regressors: inputs [Count, InputSize] and targets [Count, OutputSize], row-major.</summary>
public sealed class RegressionData
{
    /// <summary>Wraps the arrays (not copied); checks that they hold the same number of whole samples.</summary>
    public RegressionData(float[] inputs, float[] targets, int inputSize, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        if (targets.Length == 0 || targets.Length % outputSize != 0)
            throw new ArgumentException($"{targets.Length} targets are not a positive whole number of samples of {outputSize} values.", nameof(targets));
        int count = targets.Length / outputSize;
        if ((long)count * inputSize != inputs.Length)
            throw new ArgumentException($"{count} samples of {inputSize} values need {(long)count * inputSize} inputs; got {inputs.Length}.", nameof(inputs));
        Inputs = inputs;
        Targets = targets;
        InputSize = inputSize;
        OutputSize = outputSize;
    }

    /// <summary>The inputs, [Count, InputSize] row-major.</summary>
    public float[] Inputs { get; }

    /// <summary>The expected outputs, [Count, OutputSize] row-major.</summary>
    public float[] Targets { get; }

    /// <summary>Values per input sample.</summary>
    public int InputSize { get; }

    /// <summary>Values per target.</summary>
    public int OutputSize { get; }

    /// <summary>Samples in the set.</summary>
    public int Count => Targets.Length / OutputSize;

    /// <summary>
    /// Keras' <c>validation_split</c>, as <see cref="LabeledData.Split(double)"/>: copies of the first ⌊Count · (1 − <paramref name="validationFraction"/>)⌋
    /// samples for training and of the last ones for validation, in the data's order, nothing shuffled.
    /// </summary>
    public (RegressionData Train, RegressionData Validation) Split(double validationFraction) => Split(validationFraction, nameof(validationFraction));

    internal (RegressionData Train, RegressionData Validation) Split(double validationFraction, string parameterName)
    {
        int n = DataSplit.TrainCount(Count, validationFraction, parameterName);
        return (new RegressionData(Inputs.AsSpan(0, n * InputSize).ToArray(), Targets.AsSpan(0, n * OutputSize).ToArray(), InputSize, OutputSize),
            new RegressionData(Inputs.AsSpan(n * InputSize).ToArray(), Targets.AsSpan(n * OutputSize).ToArray(), InputSize, OutputSize));
    }

    /// <summary>Throws a clear ArgumentException unless the data fits <paramref name="model"/>'s input and output sizes.</summary>
    public void CheckFits(IModel model, string role, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (InputSize != model.InputSize)
            throw new ArgumentException($"The {role} has {InputSize} values per sample; the model takes {model.InputSize}.", parameterName);
        if (OutputSize != model.OutputSize)
            throw new ArgumentException($"The {role} has {OutputSize} target values per sample; the model gives {model.OutputSize}.", parameterName);
    }
}
