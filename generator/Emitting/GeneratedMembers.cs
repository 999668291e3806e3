using System.Collections.Generic;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Emitting
{
    /// <summary>
    /// The names of the members <see cref="ModelEmitter"/> writes into a model class, so the parser can
    /// refuse a declaration whose own members (or class name) would collide with them. A generator test
    /// checks this list against the members of real generated code.
    /// </summary>
    internal static class GeneratedMembers
    {
        private static readonly string[] Always =
        {
            "InputSize", "InputShape", "OutputSize", "LayerCount", "ParameterCount", "InferenceBatchSize", "Spec", "TrainingLoss",
            "Layers", "Parameters", "Gradients", "_inference", "_batches", "Batches", "InitializeParameters", "Forward", "ComputeLoss",
            "Backward", "TrainStep", "Predict", "PredictBatch", "Run", "Infer", "s_tensors",
            "Save", "Load", "ExportOnnx", "Workspace", "CreateWorkspace",
        };

        /// <summary>Every member name generated for <paramref name="model"/>, with the layer each one belongs to (null for the model).</summary>
        public static IEnumerable<(string Name, string? Layer)> For(ModelSpec model)
        {
            foreach (string name in Always) yield return (name, null);
            if (model.Loss == LossKind.SparseCategoricalCrossEntropy)
            {
                yield return ("CountCorrect", null);
                yield return ("PredictClass", null);
                yield return ("PredictClasses", null);
            }
            bool dropout = false;
            foreach (LayerSpec layer in model.Layers)
            {
                foreach (string name in layer.Kind.MemberNames(layer)) yield return (name, layer.Name);
                dropout |= layer is DropoutSpec;
            }
            if (dropout) yield return ("_dropoutRandom", null);
            if (ModelEmitter.HasState(model))
                foreach (string name in new[] { "State", "Counters", "StateCount", "CounterCount" }) yield return (name, null);
            if (model.Import is not null)
            {
                yield return ("ImportedParameters", null);
                yield return ("LoadImportedParameters", null);
                if (ModelEmitter.ImportsState(model))
                {
                    yield return ("ImportedState", null);
                    yield return ("ImportedCounters", null);
                }
                if (ModelEmitter.TransposesInput(model)) yield return ("CopyInputToChannelsLast", null);
            }
        }
    }
}
