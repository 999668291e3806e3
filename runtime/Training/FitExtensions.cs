namespace ModelGen.Training;

/// <summary>Keras-style one-call <c>Fit</c> and <c>Evaluate</c> on any generated classifier or regressor.</summary>
public static class FitExtensions
{
    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="epochs"/> epochs; see
    /// <see cref="ClassifierTrainer{TWorkspace}.Fit"/>. To train further with the same shuffle stream
    /// and optimizer state, keep a <see cref="ClassifierTrainer{TWorkspace}"/> instead.
    /// </summary>
    public static TrainingHistory Fit<TWorkspace>(this IClassifier<TWorkspace> model, LabeledData train, Optimizer optimizer, int epochs,
        FitOptions? options = null, LabeledData? validation = null, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
        where TWorkspace : IWorkspace =>
        new ClassifierTrainer<TWorkspace>(model, optimizer, train, options).Fit(epochs, validation, progress, cancellationToken);

    /// <summary>The model's mean loss and accuracy on <paramref name="data"/>, in inference mode; see <see cref="ClassifierEvaluator{TWorkspace}"/>.</summary>
    public static EvaluationResult Evaluate<TWorkspace>(this IClassifier<TWorkspace> model, LabeledData data,
        int batchSize = FitOptions.DefaultEvaluationBatchSize, Span<int> predictions = default)
        where TWorkspace : IWorkspace =>
        new ClassifierEvaluator<TWorkspace>(model, Math.Min(batchSize, data?.Count ?? 1)).Evaluate(data!, predictions);

    /// <summary>Keras' <c>fit</c> for a regressor: see <see cref="RegressorTrainer{TWorkspace}"/>.</summary>
    public static TrainingHistory Fit<TWorkspace>(this IRegressor<TWorkspace> model, RegressionData train, Optimizer optimizer, int epochs,
        FitOptions? options = null, RegressionData? validation = null, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
        where TWorkspace : IWorkspace =>
        new RegressorTrainer<TWorkspace>(model, optimizer, train, options).Fit(epochs, validation, progress, cancellationToken);

    /// <summary>Keras' <c>evaluate</c> for a regressor: its mean loss over <paramref name="data"/>, in inference mode.</summary>
    public static RegressionEvaluation Evaluate<TWorkspace>(this IRegressor<TWorkspace> model, RegressionData data,
        int batchSize = FitOptions.DefaultEvaluationBatchSize)
        where TWorkspace : IWorkspace =>
        new RegressorEvaluator<TWorkspace>(model, Math.Min(batchSize, data?.Count ?? 1)).Evaluate(data!);
}
