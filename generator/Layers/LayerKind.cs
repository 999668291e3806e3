using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>
    /// Everything about one kind of layer, in one place: how its attribute is read into a
    /// <see cref="LayerSpec"/>, and every piece of C# it contributes to the generated model (constants,
    /// parameter views, initialisation, workspace buffers, forward and backward methods, the spec token,
    /// the saved tensors, its LayerInfo). The file-level writers in <see cref="ModelEmitter"/> loop over
    /// the layers and dispatch here, as the Regex generator's emitter dispatches per node kind; adding a
    /// kind is one new file and a line in <see cref="LayerKinds"/>.
    /// </summary>
    internal abstract class LayerKind
    {
        /// <summary>The attribute's metadata name, e.g. "ModelGen.DenseAttribute".</summary>
        public abstract string AttributeName { get; }

        /// <summary>The attribute as written, e.g. "Dense".</summary>
        public abstract string DisplayName { get; }

        /// <summary>Default layer names are this plus the position among layers of the kind: "Dense1".</summary>
        public abstract string DefaultNamePrefix { get; }

        /// <summary>Whether the layer reads several tensors, named in its constructor ("inputs"), rather than one (its Input).</summary>
        public virtual bool HasSeveralInputs => false;

        /// <summary>Whether the layer maps each value on its own, keeping the order (Dropout, an activation): a Dense after it still sees a Flatten's image.</summary>
        public virtual bool IsElementWise => false;

        /// <summary>Lines the file's header explains the kind with, once, when the model has such a layer.</summary>
        public virtual IEnumerable<string> HeaderNotes => System.Array.Empty<string>();

        // ------------------------------------------------------------ reading

        /// <summary>
        /// Reads the attribute's arguments and resolves the layer on its input shape. Reports bad values
        /// through <paramref name="context"/>; returns null when the layer's output shape is unknown.
        /// </summary>
        public abstract LayerSpec? Read(LayerReadContext context, AttributeArguments arguments);

        // ------------------------------------------------------------ emitting (per layer, dispatched)

        /// <summary>The layer in the file's header table, e.g. "Dense [784] -> [128], ReLU".</summary>
        public abstract string Describe(LayerSpec layer);

        /// <summary>The layer in the spec string saved with the parameters, e.g. "dense(128,relu)".</summary>
        public abstract string SpecToken(LayerSpec layer);

        /// <summary>
        /// Writes the layer's constants. <paramref name="parameterEnd"/> is the expression of the first
        /// free index in Parameters before the layer and must be advanced past its tensors.
        /// </summary>
        public abstract void WriteConstants(SourceWriter w, LayerSpec layer, ref string parameterEnd);

        /// <summary>
        /// Writes the offsets of the layer's saved state (in State) and counters (in Counters), advancing the
        /// expressions of the first free index in each; only kinds with state have any.
        /// </summary>
        public virtual void WriteStateConstants(SourceWriter w, LayerSpec layer, ref string stateEnd, ref string counterEnd) { }

        /// <summary>Writes the typed views of the layer's tensors in Parameters and Gradients.</summary>
        public virtual void WriteViews(SourceWriter w, LayerSpec layer) { }

        /// <summary>Writes the initialisation of the layer's parameters from `random`.</summary>
        public virtual void WriteInitialization(SourceWriter w, LayerSpec layer) { }

        /// <summary>The expression that constructs the layer's ModelGen.LayerInfo.</summary>
        public abstract string LayerInfo(LayerSpec layer);

        /// <summary>The expressions that construct the layer's saved tensors (ModelGen.Serialization.TensorLayout).</summary>
        public virtual IEnumerable<string> SavedTensors(LayerSpec layer, LayerSlot slot) { yield break; }

        /// <summary>The buffers the layer keeps in the workspace.</summary>
        public abstract IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot);

        /// <summary>The buffer holding the layer's output, given the expression of its input buffer.</summary>
        public virtual string OutputBuffer(LayerSlot slot, string input) => "workspace." + slot.Layer.Name + "Activations";

        /// <summary>The buffer holding dLoss/d(output), given the expression of its input's (null when none is kept).</summary>
        public virtual string? DeltasBuffer(LayerSlot slot, string? inputDeltas) => "workspace." + slot.Layer.Name + "Deltas";

        /// <summary>Writes the statement in Run that calls the layer's forward method.</summary>
        public abstract void WriteForwardCall(SourceWriter w, LayerSlot slot);

        /// <summary>
        /// Writes the statement in Infer that runs the layer and <paramref name="norm"/>, the BatchNormalization after it (with the
        /// layers fused into that one), in one call; only kinds that <see cref="FusionPlanner"/> fuses (Conv2D) are asked.
        /// </summary>
        public virtual void WriteNormalizedForwardCall(SourceWriter w, LayerSlot slot, LayerSlot norm, string scratch) =>
            throw new System.NotSupportedException(DisplayName + " does not fuse a BatchNormalization.");

        /// <summary>
        /// Whether the layer's fused Infer call reads weights prepared from its parameters in the workspace (a 3×3 stride-1
        /// convolution's Winograd weights), which the call makes again unless Infer's sameParameters says they are unchanged.
        /// </summary>
        public virtual bool PreparesWeights(LayerSlot slot) => false;

        /// <summary>
        /// The workspace buffer the layer's forward call only uses as scratch (a convolution's patches), which Infer's fused
        /// calls share: one buffer, the largest, stays in cache instead of one per layer. Null when it has none.
        /// </summary>
        public virtual WorkspaceBuffer? ForwardScratch(LayerSlot slot) => null;

        /// <summary>
        /// Whether Backward hands dLoss/dy, whole and unchanged, to every input (an [Add]): the planner then lets an input's
        /// gradient be the layer's own gradient buffer instead of a copy of it (see <see cref="GraphPlanner"/>).
        /// </summary>
        public virtual bool ForwardsGradient => false;

        /// <summary>
        /// Whether the layer's backward only reads its output's gradient buffer (BatchNormalization), so that buffer still holds
        /// dLoss/dy afterwards; kinds that apply their activation's derivative in place (a Conv2D with ReLU) do not.
        /// </summary>
        public virtual bool KeepsOutputDeltas => false;

        /// <summary>Writes the layer's forward method (with its shapes in a comment).</summary>
        public abstract void WriteForward(SourceWriter w, LayerSlot slot);

        /// <summary>Writes the statement in Backward that calls the layer's backward method, if it needs one.</summary>
        public abstract void WriteBackwardCall(SourceWriter w, LayerSlot slot);

        /// <summary>Writes the layer's backward method, if it needs one.</summary>
        public abstract void WriteBackward(SourceWriter w, LayerSlot slot);

        /// <summary>The members generated for the layer, for the name-conflict check.</summary>
        public abstract IEnumerable<string> MemberNames(LayerSpec layer);
    }

    /// <summary>A <see cref="LayerKind"/> for one spec record type: the casts in one place.</summary>
    internal abstract class LayerKind<TSpec> : LayerKind where TSpec : LayerSpec
    {
        public sealed override string Describe(LayerSpec layer) => Describe((TSpec)layer);
        public sealed override string SpecToken(LayerSpec layer) => SpecToken((TSpec)layer);
        public sealed override void WriteConstants(SourceWriter w, LayerSpec layer, ref string parameterEnd) => WriteConstants(w, (TSpec)layer, ref parameterEnd);
        public sealed override void WriteViews(SourceWriter w, LayerSpec layer) => WriteViews(w, (TSpec)layer);
        public sealed override void WriteInitialization(SourceWriter w, LayerSpec layer) => WriteInitialization(w, (TSpec)layer);
        public sealed override string LayerInfo(LayerSpec layer) => LayerInfo((TSpec)layer);
        public sealed override IEnumerable<string> SavedTensors(LayerSpec layer, LayerSlot slot) => SavedTensors((TSpec)layer, slot);
        public sealed override IEnumerable<string> MemberNames(LayerSpec layer) => MemberNames((TSpec)layer);

        protected abstract string Describe(TSpec layer);
        protected abstract string SpecToken(TSpec layer);
        protected abstract void WriteConstants(SourceWriter w, TSpec layer, ref string parameterEnd);
        protected virtual void WriteViews(SourceWriter w, TSpec layer) { }
        protected virtual void WriteInitialization(SourceWriter w, TSpec layer) { }
        protected abstract string LayerInfo(TSpec layer);
        protected virtual IEnumerable<string> SavedTensors(TSpec layer, LayerSlot slot) { yield break; }
        protected abstract IEnumerable<string> MemberNames(TSpec layer);

        /// <summary>The slot's layer as this kind's spec.</summary>
        protected static TSpec Spec(LayerSlot slot) => (TSpec)slot.Layer;
    }
}
