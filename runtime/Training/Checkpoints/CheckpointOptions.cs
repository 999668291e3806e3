namespace ModelGen.Training;

/// <summary>
/// Checkpoints a trainer writes by itself (<see cref="FitOptions.Checkpoint"/>): every <see cref="EverySteps"/> steps, and
/// at the end of each epoch of a <c>Fit</c>, after its validation pass. Each replaces the last, atomically: a crash or a
/// kill while one is written leaves the previous one. Writing a checkpoint changes nothing in the run: a run with them
/// ends with the same bits as one without.
/// </summary>
/// <param name="Path">The checkpoint file; its folder is created if missing.</param>
public sealed record CheckpointOptions(string Path)
{
    /// <summary>Steps (batches) between two checkpoints, counted over the run; 0 (the default) writes them at the ends of epochs only.</summary>
    public int EverySteps { get; init; }

    /// <summary>
    /// A program's own entries to save with each checkpoint (its log, its own history), asked for each time one is
    /// written; <see cref="ClassifierTrainer{TWorkspace}.ResumeFrom"/> gives them back. Null: none.
    /// </summary>
    public Func<IReadOnlyDictionary<string, string>>? Metadata { get; init; }
}
