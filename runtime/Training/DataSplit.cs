using System.Globalization;

namespace ModelGen.Training;

/// <summary>Where Keras' <c>validation_split</c> cuts a data set: the first ⌊n · (1 − fraction)⌋ samples train, the rest validate.</summary>
internal static class DataSplit
{
    /// <summary>The number of training samples of <paramref name="count"/> when <paramref name="fraction"/> of them validate; checks both parts are non-empty.</summary>
    public static int TrainCount(int count, double fraction, string parameterName)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(parameterName, fraction,
                $"The validation fraction is {fraction.ToString(CultureInfo.InvariantCulture)}; it must be above 0 and below 1.");
        // Keras' train_validation_split: split_at = int(math.floor(batch_dim * (1.0 - validation_split))), the same
        // double arithmetic, so the same cut for the same numbers.
        int trainCount = (int)Math.Floor(count * (1.0 - fraction));
        if (trainCount == 0 || trainCount == count)
            throw new ArgumentException(
                $"{count} sample(s) cannot be split into a training and a validation part by a validation fraction of {fraction.ToString(CultureInfo.InvariantCulture)}: " +
                $"one part would be empty. Give more data or another fraction.", parameterName);
        return trainCount;
    }
}
