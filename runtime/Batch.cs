namespace ModelGen;

/// <summary>Argument checks and small helpers shared by the generated models' batch methods.</summary>
public static class Batch
{
    /// <summary>
    /// The number of samples in <paramref name="valueCount"/> values of <paramref name="sampleSize"/> each;
    /// throws unless it is a whole number between 1 and <paramref name="capacity"/>.
    /// </summary>
    public static int SizeOf(int valueCount, int sampleSize, int capacity, string parameterName)
    {
        int samples = valueCount / sampleSize;
        if (valueCount == 0 || samples * sampleSize != valueCount)
            throw new ArgumentException($"'{parameterName}' has {valueCount} values, which is not a positive multiple of the sample size {sampleSize}.", parameterName);
        if (samples > capacity)
            throw new ArgumentException($"'{parameterName}' holds {samples} samples, more than the workspace capacity {capacity}.", parameterName);
        return samples;
    }

    /// <summary>Throws unless <paramref name="count"/> is <paramref name="batchSize"/> × <paramref name="perSample"/>.</summary>
    public static void CheckTargets(int count, int batchSize, int perSample, string parameterName)
    {
        if (batchSize == 0)
            throw new InvalidOperationException("No batch has been run on this workspace: call Forward first.");
        if (count != (long)batchSize * perSample)
            throw new ArgumentException($"'{parameterName}' has {count} values; the batch of {batchSize} samples needs {(long)batchSize * perSample}.", parameterName);
    }

    /// <summary>Throws unless a single sample's span has exactly <paramref name="size"/> values.</summary>
    public static void CheckSample(int length, int size, string parameterName)
    {
        if (length != size)
            throw new ArgumentException($"'{parameterName}' has {length} values; one sample has {size}.", parameterName);
    }

    /// <summary>The index of the largest value (the first one on ties); NaN is never the largest.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
