namespace ModelGen.Training;

/// <summary>
/// Where a trainer is inside the current epoch, and the epoch's running figures so far: what a checkpoint written
/// between two steps saves, so that a resumed run goes on from the next batch and reports the epoch's figures as a
/// run that never stopped would. Sums are added in the same order either way, so they are the same bits.
/// </summary>
internal sealed class EpochPosition
{
    /// <summary>Whether an epoch has started and not ended: the next step continues it, without a new shuffle.</summary>
    public bool InProgress { get; set; }

    /// <summary>Steps taken in the epoch.</summary>
    public int Batches { get; set; }

    /// <summary>Samples trained on in the epoch: also where in the epoch's order the next batch starts.</summary>
    public int Seen { get; set; }

    /// <summary>Σ loss·n over the epoch's batches, in double.</summary>
    public double LossSum { get; set; }

    /// <summary>Samples the batches' training-mode forward passes classified right.</summary>
    public int Correct { get; set; }

    /// <summary>Seconds spent training the epoch before the current call of TrainEpoch (earlier calls, or the run a checkpoint came from).</summary>
    public double Seconds { get; set; }

    /// <summary>Starts a new epoch.</summary>
    public void Begin()
    {
        InProgress = true;
        Batches = 0;
        Seen = 0;
        LossSum = 0;
        Correct = 0;
        Seconds = 0;
    }

    /// <summary>Counts one step of <paramref name="n"/> samples with mean loss <paramref name="loss"/>, <paramref name="correct"/> of them right.</summary>
    public void Add(float loss, int n, int correct)
    {
        LossSum += (double)loss * n;
        Seen += n;
        Correct += correct;
        Batches++;
    }

    /// <summary>The mean loss so far.</summary>
    public double Loss => LossSum / Seen;

    /// <summary>The accuracy so far, 0..1.</summary>
    public double Accuracy => (double)Correct / Seen;
}
