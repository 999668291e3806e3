namespace ModelGen.Training;

/// <summary>A classifier's figures on a labelled set, in inference mode.</summary>
/// <param name="Count">Samples evaluated.</param>
/// <param name="Correct">Samples whose most probable class is their label.</param>
/// <param name="Loss">The mean loss over every sample.</param>
/// <param name="Seconds">How long the pass took.</param>
public readonly record struct EvaluationResult(int Count, int Correct, double Loss, double Seconds)
{
    /// <summary>The fraction classified right, 0..1.</summary>
    public double Accuracy => (double)Correct / Count;
}
