namespace ModelGen.Training;

/// <summary>
/// The part of Keras' <c>fit</c> that is the same for every kind of model: epochs one after another, a
/// validation pass after each, a history, and an early stop (said in the history, not thrown) when an
/// epoch's loss stops being a finite number.
/// </summary>
internal static class TrainingLoop
{
    /// <summary>A validation pass's figures: its mean loss, its accuracy (null for a regressor), and how long it took.</summary>
    public readonly record struct Validation(double Loss, double? Accuracy, double Seconds);

    /// <summary>
    /// Runs <paramref name="epochs"/> epochs (checked by the caller, before it checks anything else); <paramref name="recorded"/>
    /// sees each epoch's record as soon as it is complete (a trainer keeps its history and checkpoints there).
    /// </summary>
    public static TrainingHistory Run(int epochs, Func<EpochResult> trainEpoch, Func<Validation>? validate, Action<EpochRecord>? recorded = null)
    {
        var history = new List<EpochRecord>(epochs);
        for (int e = 0; e < epochs; e++)
        {
            EpochResult result = trainEpoch();
            if (result.Diverged)
            {
                // The parameters are no longer finite numbers: a validation pass would say nothing.
                history.Add(new EpochRecord(result.Epoch, result.Loss, result.Accuracy, null, null, result.Seconds, 0, result.LearningRate));
                recorded?.Invoke(history[^1]);
                return new TrainingHistory(history, $"the loss became {result.Loss.ToString(System.Globalization.CultureInfo.InvariantCulture)} at batch {result.Batches} of epoch {result.Epoch}");
            }
            Validation? checkedOn = validate?.Invoke();
            history.Add(new EpochRecord(result.Epoch, result.Loss, result.Accuracy, checkedOn?.Loss, checkedOn?.Accuracy, result.Seconds, checkedOn?.Seconds ?? 0, result.LearningRate));
            recorded?.Invoke(history[^1]);
        }
        return new TrainingHistory(history, null);
    }
}
