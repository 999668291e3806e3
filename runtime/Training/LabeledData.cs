namespace ModelGen.Training;

/// <summary>
/// Samples and their class labels for training or evaluating a classifier: inputs [Count, InputSize]
/// row-major and one label per sample. The arrays are used as they are, not copied.
/// </summary>
public sealed class LabeledData
{
    /// <summary>Wraps <paramref name="inputs"/>, [labels.Length, <paramref name="inputSize"/>] row-major, and <paramref name="labels"/>.</summary>
    public LabeledData(float[] inputs, int[] labels, int inputSize)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        if (labels.Length == 0) throw new ArgumentException("The data has no samples: there must be at least one label.", nameof(labels));
        if ((long)labels.Length * inputSize != inputs.Length)
            throw new ArgumentException(
                $"{labels.Length} samples of {inputSize} values need {(long)labels.Length * inputSize} inputs; got {inputs.Length}.", nameof(inputs));
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0) throw new ArgumentException($"Label {i} is {labels[i]}; class labels are 0 or more.", nameof(labels));
        Inputs = inputs;
        Labels = labels;
        InputSize = inputSize;
    }

    /// <summary>The inputs, [Count, InputSize] row-major.</summary>
    public float[] Inputs { get; }

    /// <summary>The class of each sample.</summary>
    public int[] Labels { get; }

    /// <summary>Values per sample.</summary>
    public int InputSize { get; }

    /// <summary>The number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>A copy of the first <paramref name="count"/> samples: a quick subset for a smoke run.</summary>
    public LabeledData Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (count >= Count) return this;
        return new LabeledData(Inputs.AsSpan(0, count * InputSize).ToArray(), Labels.AsSpan(0, count).ToArray(), InputSize);
    }

    /// <summary>
    /// Keras' <c>validation_split</c>: the data cut in two, copies of the first ⌊Count · (1 − <paramref name="validationFraction"/>)⌋
    /// samples for training and of the rest, the LAST samples in the data's order, for validation. As in Keras, nothing is
    /// shuffled first: shuffle the data yourself if its order means something (sorted by class, say). Throws when
    /// <paramref name="validationFraction"/> is not above 0 and below 1, or when one part would be empty.
    /// </summary>
    public (LabeledData Train, LabeledData Validation) Split(double validationFraction) => Split(validationFraction, nameof(validationFraction));

    internal (LabeledData Train, LabeledData Validation) Split(double validationFraction, string parameterName)
    {
        int n = DataSplit.TrainCount(Count, validationFraction, parameterName);
        return (new LabeledData(Inputs.AsSpan(0, n * InputSize).ToArray(), Labels.AsSpan(0, n).ToArray(), InputSize),
            new LabeledData(Inputs.AsSpan(n * InputSize).ToArray(), Labels.AsSpan(n).ToArray(), InputSize));
    }

    /// <summary>
    /// Throws a clear ArgumentException unless every sample fits <paramref name="model"/>: the same
    /// number of values per sample, and every label one of its classes. <paramref name="role"/> names
    /// the data in the message ("training data", "validation data").
    /// </summary>
    public void CheckFits(IClassifier model, string role, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (InputSize != model.InputSize)
            throw new ArgumentException($"The {role} has {InputSize} values per sample; the model takes {model.InputSize}.", parameterName);
        for (int i = 0; i < Labels.Length; i++)
            if (Labels[i] >= model.OutputSize)
                throw new ArgumentException(
                    $"Label {i} of the {role} is {Labels[i]}; the model has {model.OutputSize} classes (0 to {model.OutputSize - 1}).", parameterName);
    }
}
