using System.Collections.Generic;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Emitting
{
    /// <summary>
    /// The planning step between a resolved graph and the emitter: places every layer (which buffers it
    /// reads and writes in Run and in Backward), decides which tensors need a gradient (those that depend
    /// on a layer with parameters), and how a tensor read by several layers gets the sum of their
    /// gradients: Backward runs the layers in reverse, the first reader to run writes the tensor's gradient
    /// buffer, and each later one writes a partial buffer that the emitter then adds in (llm.c's `+=`, paid
    /// only where a tensor really has several readers, so a straight chain is planned exactly as before).
    /// A reader that hands dy on whole (an [Add]) writes nothing: see <see cref="PlanGradientSums"/>.
    /// </summary>
    internal static class GraphPlanner
    {
        public static GraphPlan Plan(ModelSpec model)
        {
            var slots = new List<LayerSlot>();
            var byName = new Dictionary<string, LayerSlot>(System.StringComparer.Ordinal);
            bool chain = true;
            for (int i = 0; i < model.Layers.Count; i++)
            {
                LayerSpec layer = model.Layers[i];
                LayerSlot? previous = i == 0 ? null : slots[i - 1];
                var inputs = new List<SlotInput>();
                if (layer.InputNames.Count == 0)
                {
                    // An imported model's layers, and any layer whose inputs were not named: the layer before.
                    inputs.Add(Read(model, previous?.Name ?? model.InputName, previous));
                }
                else
                {
                    foreach (string name in layer.InputNames)
                    {
                        byName.TryGetValue(name, out LayerSlot? producer); // the resolver guarantees it exists (or is the input)
                        inputs.Add(Read(model, name, producer));
                    }
                    chain &= inputs.Count == 1 && inputs[0].Producer == previous;
                }
                var slot = new LayerSlot(layer, i, i == model.Layers.Count - 1, inputs);
                bool trainableSource = layer.IsTrainable;
                foreach (SlotInput input in inputs)
                {
                    if (input.Producer is null) continue;
                    input.Producer.Readers.Add(slot);
                    trainableSource |= input.Producer.HasTrainableSource;
                }
                slot.HasTrainableSource = trainableSource;
                // Each kind names its output buffer given its input's (Flatten reuses it: it moves no data).
                slot.RunOutput = layer.Kind.OutputBuffer(slot, slot.RunInput);
                slot.SavedOutput = layer.Kind.OutputBuffer(slot, slot.SavedInput);
                slots.Add(slot);
                byName[layer.Name] = slot;
            }

            foreach (LayerSlot slot in slots)
                foreach (SlotInput input in slot.Inputs)
                    if (input.NeedsGradient) input.Producer!.GradientReaders++;

            // Gradient buffers are named in forward order, since a reader's input deltas are its producer's
            // output deltas; a kind that moves no data may share its input's only when it is its sole reader,
            // and a kind that hands dy on whole (an [Add]) makes its gradient buffer that of an input it alone
            // reads, when that input's layer leaves the buffer as it found it (so the sums below may still read it).
            foreach (LayerSlot slot in slots)
            {
                foreach (SlotInput input in slot.Inputs)
                    if (input.NeedsGradient && input.Producer!.GradientReaders == 1) input.Deltas = input.Producer.OutputDeltas;
                slot.OutputDeltas = slot.Kind.DeltasBuffer(slot, slot.OwnsInputGradient ? slot.InputDeltas : null);
                if (slot.Kind.ForwardsGradient)
                    foreach (SlotInput input in slot.Inputs)
                    {
                        if (!input.NeedsGradient || input.Producer!.GradientReaders != 1 || !input.Producer.Kind.KeepsOutputDeltas) continue;
                        slot.OutputDeltas = input.Deltas;
                        input.Deltas = null;
                        input.Forwarded = true;
                        break;
                    }
            }
            PlanGradientSums(slots);
            foreach (LayerSlot slot in slots) slot.InChain = chain;
            FusionPlanner.Plan(slots);
            return new GraphPlan(slots);
        }

        /// <summary>
        /// In backward order, how each tensor with several readers gets the sum of their gradients. The first reader to run
        /// writes the tensor's gradient buffer and each later one a partial that is added in, except that a reader that hands
        /// dy on whole (an [Add]) writes nothing: its part is its own gradient buffer, summed in by the next reader (into the
        /// tensor's buffer, with the part that reader wrote there), or added to what the earlier ones wrote. So a residual
        /// block's input gets dy + its first convolution's part with no copy and no partial buffer.
        /// </summary>
        private static void PlanGradientSums(List<LayerSlot> slots)
        {
            var written = new HashSet<LayerSlot>();
            var pending = new Dictionary<LayerSlot, LayerSlot>(); // the tensor → the reader whose dy is its part so far
            for (int i = slots.Count - 1; i >= 0; i--)
            {
                LayerSlot reader = slots[i];
                foreach (SlotInput input in reader.Inputs)
                {
                    LayerSlot? producer = input.Producer;
                    if (!input.NeedsGradient || producer!.GradientReaders == 1) continue;
                    string target = producer.OutputDeltas!;
                    bool isPending = pending.TryGetValue(producer, out LayerSlot? forwarder);
                    if (reader.Kind.ForwardsGradient)
                    {
                        input.Forwarded = true;
                        string own = reader.OutputDeltas!;
                        if (isPending)
                        {
                            input.Sum = new GradientSum(target, forwarder!.OutputDeltas!, own, forwarder.Name);
                            pending.Remove(producer);
                            written.Add(producer);
                        }
                        else if (written.Contains(producer)) input.Sum = new GradientSum(target, own, null, reader.Name);
                        else pending[producer] = reader;
                    }
                    else if (isPending)
                    {
                        input.Deltas = target;
                        input.Sum = new GradientSum(target, forwarder!.OutputDeltas!, null, forwarder.Name);
                        pending.Remove(producer);
                        written.Add(producer);
                    }
                    else if (written.Add(producer)) input.Deltas = target;
                    else
                    {
                        // A partial buffer only for the tensors whose gradient a third reader, or a second that is not an [Add], adds to.
                        producer.PartialDeltas ??= "workspace." + producer.Name + "PartialDeltas";
                        input.Deltas = producer.PartialDeltas;
                        input.Sum = new GradientSum(target, producer.PartialDeltas, null);
                    }
                }
            }
        }

        private static SlotInput Read(ModelSpec model, string name, LayerSlot? producer) => producer is null
            ? new SlotInput(model.InputName, null, "inputs", "workspace.Inputs")
            : new SlotInput(name, producer, producer.RunOutput, producer.SavedOutput);
    }

    /// <summary>The planned layers, in forward order (each slot says whether the network is a straight chain).</summary>
    internal sealed class GraphPlan
    {
        public GraphPlan(IReadOnlyList<LayerSlot> slots) => Slots = slots;

        public IReadOnlyList<LayerSlot> Slots { get; }
    }
}
