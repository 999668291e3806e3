using System.Reflection;

namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// The reference tests' view of any generated model, written once over the runtime's interfaces
/// (IClassifier / IRegressor): the models themselves are bare declarations. Each adapter owns a
/// workspace big enough for the reference batches and the MNIST lockstep's batches of 128.
/// </summary>
public static class GeneratedModelAdapter
{
    /// <summary>Workspace capacity: ReferenceBatch.MaxSize and the MNIST lockstep's batch.</summary>
    public const int Capacity = 128;

    public static IConvModel For<TWorkspace>(IClassifier<TWorkspace> model) where TWorkspace : IWorkspace => new Classifier<TWorkspace>(model);

    public static IConvModel For<TWorkspace>(IRegressor<TWorkspace> model) where TWorkspace : IWorkspace => new Regressor<TWorkspace>(model);

    private abstract class Adapter<TWorkspace>(IModel<TWorkspace> model) : IConvModel where TWorkspace : IWorkspace
    {
        protected readonly TWorkspace Workspace = model.CreateWorkspace(Capacity);

        public IModel Model => model;
        public float[] Parameters => model.Parameters;
        public float[] Gradients => model.Gradients;

        public ReadOnlySpan<float> Forward(ReferenceBatch batch) { model.Forward(Workspace, batch.Inputs); return Workspace.Outputs; }
        public ReadOnlySpan<float> ForwardTraining(ReferenceBatch batch) { model.Forward(Workspace, batch.Inputs, training: true); return Workspace.Outputs; }
        public abstract float Loss(ReferenceBatch batch);
        public abstract void Backward(ReferenceBatch batch);
        public abstract float TrainStep(ReferenceBatch batch, Optimizer optimizer);
        public void Save(string path) => model.Save(path);
        public void Load(string path) => model.Load(path);

        /// <summary>
        /// The masks of the last training Forward, by dropout layer name. Each generated workspace keeps a
        /// layer's mask in its internal field "{layer}MaskBuffer"; the layers come from the model's own
        /// Layers list, so a model with several dropouts needs nothing more here.
        /// </summary>
        public IReadOnlyDictionary<string, float[]>? DropoutMasks()
        {
            if (!Workspace.Training) return null;
            var masks = new Dictionary<string, float[]>();
            foreach (DropoutLayerInfo dropout in model.Layers.OfType<DropoutLayerInfo>())
            {
                FieldInfo field = Workspace.GetType().GetField(dropout.Name + "MaskBuffer", BindingFlags.Instance | BindingFlags.NonPublic)
                    ?? throw new InvalidOperationException($"{Workspace.GetType()} has no mask buffer for dropout layer '{dropout.Name}'.");
                var buffer = (float[])field.GetValue(Workspace)!;
                masks[dropout.Name] = buffer.AsSpan(0, Workspace.BatchSize * dropout.Output.Size).ToArray();
            }
            return masks;
        }
    }

    private sealed class Classifier<TWorkspace>(IClassifier<TWorkspace> model) : Adapter<TWorkspace>(model) where TWorkspace : IWorkspace
    {
        public override float Loss(ReferenceBatch batch) => model.ComputeLoss(Workspace, batch.Labels);
        public override void Backward(ReferenceBatch batch) => model.Backward(Workspace, batch.Labels);
        public override float TrainStep(ReferenceBatch batch, Optimizer optimizer) => model.TrainStep(Workspace, batch.Inputs, batch.Labels, optimizer);
    }

    private sealed class Regressor<TWorkspace>(IRegressor<TWorkspace> model) : Adapter<TWorkspace>(model) where TWorkspace : IWorkspace
    {
        public override float Loss(ReferenceBatch batch) => model.ComputeLoss(Workspace, batch.Targets);
        public override void Backward(ReferenceBatch batch) => model.Backward(Workspace, batch.Targets);
        public override float TrainStep(ReferenceBatch batch, Optimizer optimizer) => model.TrainStep(Workspace, batch.Inputs, batch.Targets, optimizer);
    }
}
