namespace ModelGen.Training;

/// <summary>
/// The part of Keras' <c>fit</c> that is the same for every kind of model: epochs one after another, a
/// validation pass after each, early stopping and the epoch callbacks, a history, and an early stop (said in
/// the history, not thrown) when an epoch's loss stops being a finite number.
/// </summary>
internal static class TrainingLoop
{
    /// <summary>A validation pass's figures: its mean loss, its accuracy (null for a regressor), and how long it took.</summary>
    public readonly record struct Validation(double Loss, double? Accuracy, double Seconds);

    /// <summary>
    /// Runs <paramref name="epochs"/> epochs (checked by the caller, before it checks anything else). After each: the
    /// validation pass, <paramref name="stopper"/>'s check, then <paramref name="recorded"/> (a trainer keeps its history and
    /// checkpoints there, so a checkpoint holds early stopping's state after the epoch), then <paramref name="epochEnded"/>.
    /// At the end, the stopper gives the model its best weights back (when its settings say so), also after a divergence or
    /// a callback's stop.
    /// </summary>
    public static TrainingHistory Run(int epochs, Func<EpochResult> trainEpoch, Func<Validation>? validate, Action<EpochRecord>? recorded = null,
        EarlyStopper? stopper = null, EpochEndedCallback? epochEnded = null)
    {
        var history = new List<EpochRecord>(epochs);
        var control = new TrainingControl(history);
        for (int e = 0; e < epochs && !control.StopRequested; e++)
        {
            EpochResult result = trainEpoch();
            EpochRecord record;
            if (result.Diverged)
            {
                // The parameters are no longer finite numbers: a validation pass would say nothing.
                record = new EpochRecord(result.Epoch, result.Loss, result.Accuracy, null, null, result.Seconds, 0, result.LearningRate);
                control.Stop(TrainingStopCause.Diverged,
                    $"the loss became {result.Loss.ToString(System.Globalization.CultureInfo.InvariantCulture)} at batch {result.Batches} of epoch {result.Epoch}");
            }
            else
            {
                Validation? checkedOn = validate?.Invoke();
                record = new EpochRecord(result.Epoch, result.Loss, result.Accuracy, checkedOn?.Loss, checkedOn?.Accuracy, result.Seconds, checkedOn?.Seconds ?? 0, result.LearningRate);
                if (stopper is not null && stopper.Update(record)) control.Stop(TrainingStopCause.EarlyStopping, stopper.StopReason);
            }
            history.Add(record);
            recorded?.Invoke(record);
            epochEnded?.Invoke(record, control);
        }
        bool restored = stopper is not null && stopper.RestoreBestWeights();
        return new TrainingHistory(history, control.StopReason, control.StopCause)
        {
            BestEpoch = stopper is { State.BestEpoch: > 0 } ? stopper.State.BestEpoch : null,
            RestoredEpoch = restored ? stopper!.State.BestEpoch : null,
        };
    }

    /// <summary>The early stopper <paramref name="options"/> ask for, or null; a regressor (<paramref name="hasAccuracy"/> false) cannot monitor an accuracy.</summary>
    public static EarlyStopper? CreateStopper(FitOptions options, IModel model, bool hasAccuracy)
    {
        if (options.EarlyStopping is not { } settings) return null;
        if (!hasAccuracy && settings.Monitor == EarlyStoppingMonitor.ValidationAccuracy)
            throw new ArgumentException("Early stopping cannot monitor the validation accuracy of a regressor, which has no classes: monitor the validation loss.", nameof(options));
        settings.Check(nameof(options));
        return new EarlyStopper(settings, model);
    }

    /// <summary>
    /// The validation data of a <c>Fit</c> call: <paramref name="given"/>, or the trainer's <paramref name="split"/> part. Both is an
    /// error, and so is early stopping with neither.
    /// </summary>
    public static T? ChooseValidation<T>(T? given, T? split, EarlyStopper? stopper, string parameterName) where T : class
    {
        if (given is not null && split is not null)
            throw new ArgumentException("The trainer holds out FitOptions.ValidationSplit of the training data for validation; give no validation data of your own as well.", parameterName);
        T? validation = given ?? split;
        if (validation is null && stopper is not null)
            throw new ArgumentException($"Early stopping monitors {stopper.Settings.MonitorName}: give validation data, or set FitOptions.ValidationSplit.", parameterName);
        return validation;
    }
}
