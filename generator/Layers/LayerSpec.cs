using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers
{
    /// <summary>
    /// One layer, resolved: its name, the shape of one sample's input and output, and (in each kind's
    /// derived record) its own settings. Records compare by value, so the pipeline caches.
    /// </summary>
    internal abstract record LayerSpec(string Name, Shape Input, Shape Output)
    {
        /// <summary>
        /// The names of the tensors the layer reads (layer names, or the network input's), in order; its
        /// <see cref="Input"/> is the first one's shape. Empty means the layer declared just before it (the
        /// input for the first): how the ONNX front end hands over a chain.
        /// </summary>
        public EquatableArray<string> InputNames { get; init; } = EquatableArray<string>.Empty;

        /// <summary>Whether the layer behaves differently in training (Dropout, BatchNormalization): Run then takes `training`.</summary>
        public virtual bool UsesTrainingMode => false;

        /// <summary>The kind that reads and emits this layer.</summary>
        public abstract LayerKind Kind { get; }

        /// <summary>The activation, for the kinds that have one.</summary>
        public virtual ActivationSpec? LayerActivation => null;

        /// <summary>Trainable values in the layer.</summary>
        public virtual long ParameterCount => 0;

        /// <summary>How many of the parameters are biases (they follow the weights in Parameters).</summary>
        public virtual long BiasCount => 0;

        /// <summary>Saved values that are not trained (BatchNormalization's running statistics), in the State buffer.</summary>
        public virtual long StateCount => 0;

        /// <summary>Saved int64 counters (BatchNormalization's num_batches_tracked), in the Counters buffer.</summary>
        public virtual int CounterCount => 0;

        /// <summary>Whether the layer has parameters (and so weight gradients).</summary>
        public bool IsTrainable => ParameterCount > 0;
    }
}
