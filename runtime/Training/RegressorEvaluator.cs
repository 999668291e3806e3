using System.Diagnostics;

namespace ModelGen.Training;

/// <summary>A regressor's mean loss over a data set.</summary>
/// <param name="Count">Samples evaluated.</param>
/// <param name="Loss">The mean squared error over every output of every sample.</param>
/// <param name="Seconds">How long the pass took.</param>
public readonly record struct RegressionEvaluation(int Count, double Loss, double Seconds);

/// <summary>Keras' <c>evaluate</c> for a regressor: its loss over a data set, in inference mode, in batches; allocates nothing per call.</summary>
public sealed class RegressorEvaluator<TWorkspace> where TWorkspace : IWorkspace
{
    private readonly IRegressor<TWorkspace> _model;
    private readonly TWorkspace _workspace;

    /// <summary>Prepares to evaluate <paramref name="model"/> <paramref name="batchSize"/> samples at a time.</summary>
    public RegressorEvaluator(IRegressor<TWorkspace> model, int batchSize = FitOptions.DefaultEvaluationBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _model = model;
        _workspace = model.CreateWorkspace(batchSize);
    }

    /// <summary>The mean loss over <paramref name="data"/>, each batch weighted by its size.</summary>
    public RegressionEvaluation Evaluate(RegressionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.CheckFits(_model, "evaluation data", nameof(data));
        long started = Stopwatch.GetTimestamp();
        int inputSize = data.InputSize, outputSize = data.OutputSize, capacity = _workspace.Capacity;
        double lossSum = 0;
        for (int start = 0; start < data.Count; start += capacity)
        {
            int n = Math.Min(capacity, data.Count - start);
            _model.Forward(_workspace, data.Inputs.AsSpan(start * inputSize, n * inputSize));
            lossSum += (double)_model.ComputeLoss(_workspace, data.Targets.AsSpan(start * outputSize, n * outputSize)) * n;
        }
        return new RegressionEvaluation(data.Count, lossSum / data.Count, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
