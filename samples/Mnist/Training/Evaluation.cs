using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Samples.Mnist.Training;

/// <summary>A model's results on a labelled set: mean loss, accuracy, each prediction and the confusion matrix.</summary>
public sealed class Evaluation
{
    /// <summary>Collects the results; <paramref name="confusion"/> is [true digit, predicted digit].</summary>
    public Evaluation(double loss, int[] labels, int[] predictions, int[,] confusion)
    {
        Loss = loss;
        Labels = labels;
        Predictions = predictions;
        Confusion = confusion;
        for (int i = 0; i < labels.Length; i++) if (labels[i] == predictions[i]) Correct++;
    }

    /// <summary>The mean sparse categorical cross-entropy.</summary>
    public double Loss { get; }

    /// <summary>The true digit of each image.</summary>
    public int[] Labels { get; }

    /// <summary>The predicted digit of each image.</summary>
    public int[] Predictions { get; }

    /// <summary>Counts of images by [true digit, predicted digit].</summary>
    public int[,] Confusion { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The number predicted right.</summary>
    public int Correct { get; }

    /// <summary>The fraction predicted right, 0..1.</summary>
    public double Accuracy => (double)Correct / Count;

    /// <summary>Of the images predicted as <paramref name="digit"/>, the fraction that are; NaN if none were.</summary>
    public double Precision(int digit)
    {
        int predicted = 0;
        for (int t = 0; t < MnistData.Classes; t++) predicted += Confusion[t, digit];
        return predicted == 0 ? double.NaN : (double)Confusion[digit, digit] / predicted;
    }

    /// <summary>Of the images of <paramref name="digit"/>, the fraction predicted as such; NaN if there are none.</summary>
    public double Recall(int digit) => Support(digit) == 0 ? double.NaN : (double)Confusion[digit, digit] / Support(digit);

    /// <summary>The number of images of <paramref name="digit"/>.</summary>
    public int Support(int digit)
    {
        int count = 0;
        for (int p = 0; p < MnistData.Classes; p++) count += Confusion[digit, p];
        return count;
    }
}
