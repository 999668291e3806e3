using ModelGen.Samples.Mnist.Data;
using ModelGen.Training;

namespace ModelGen.Samples.Mnist.Training;

/// <summary>Measures a model on a labelled set with the runtime's <see cref="ClassifierEvaluator{TWorkspace}"/>, and keeps each prediction for the confusion matrix.</summary>
public sealed class Evaluator
{
    private delegate EvaluationResult EvaluateInto(LabeledData data, Span<int> predictions);

    private readonly EvaluateInto _evaluate;

    private Evaluator(EvaluateInto evaluate) => _evaluate = evaluate;

    /// <summary>An evaluator for <paramref name="model"/>, <paramref name="batchSize"/> images per pass.</summary>
    public static Evaluator Create<TWorkspace>(IClassifier<TWorkspace> model, int batchSize) where TWorkspace : IWorkspace =>
        new(new ClassifierEvaluator<TWorkspace>(model, batchSize).Evaluate);

    /// <summary>The loss, accuracy, predictions and confusion matrix of the model on <paramref name="set"/>, in inference mode.</summary>
    public Evaluation Evaluate(MnistSet set)
    {
        var predictions = new int[set.Count];
        EvaluationResult result = _evaluate(Trainer.Labeled(set), predictions);
        var confusion = new int[MnistData.Classes, MnistData.Classes];
        for (int i = 0; i < set.Count; i++) confusion[set.Labels[i], predictions[i]]++;
        return new Evaluation(result.Loss, set.Labels, predictions, confusion);
    }
}
