using TorchSharp;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests;

/// <summary>
/// Trains the generated model and its TorchSharp twin side by side on the same batches: one generated
/// TrainStep and one torch zero_grad/forward/backward/step per batch. Both start from the same
/// parameters (the twin loads the model's). Records each step's loss on both sides.
/// </summary>
public sealed class LockstepTraining : IDisposable
{
    private readonly Models.IGeneratedModel _model;
    private readonly ModelGen.Optimizer _optimizer;
    private readonly optim.Optimizer _torchOptimizer;

    /// <summary>Starts from the model's current parameters; <paramref name="torchOptimizer"/> gets the twin's parameters.</summary>
    public LockstepTraining(Models.IGeneratedModel model, ModelLayout layout, ModelGen.Optimizer optimizer,
        Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer> torchOptimizer)
    {
        _model = model;
        _optimizer = optimizer;
        Twin = new TorchTwin(layout);
        Twin.LoadParameters(model.Parameters);
        _torchOptimizer = torchOptimizer(Twin.Parameters);
    }

    /// <summary>The TorchSharp side.</summary>
    public TorchTwin Twin { get; }

    /// <summary>Each step's loss (before its update): ours, then TorchSharp's.</summary>
    public List<(float Ours, float Torch)> Losses { get; } = [];

    /// <summary>One training step on both sides.</summary>
    public void Step(ReferenceBatch batch)
    {
        float ours = _model.TrainStep(batch, _optimizer);
        using var scope = NewDisposeScope();
        _torchOptimizer.zero_grad();
        // TrainStep's Forward ran in training mode: the twin drops exactly what it dropped.
        Tensor loss = Twin.Loss(Twin.Forward(Twin.Inputs(batch), (_model as Models.IConvModel)?.DropoutMasks()), batch);
        loss.backward();
        _torchOptimizer.step();
        Losses.Add((ours, loss.item<float>()));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _torchOptimizer.Dispose();
        Twin.Dispose();
    }
}
