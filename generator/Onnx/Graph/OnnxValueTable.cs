using System;
using System.Collections.Generic;
using System.Globalization;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Onnx.Graph
{
    /// <summary>How ONNX lays out a tensor (ModelGen's own buffers are always channels-last).</summary>
    internal enum OnnxLayout
    {
        Flat,
        ChannelsFirst,
        ChannelsLast,
    }

    /// <summary>
    /// One tensor of the graph: a constant (initializer, Constant node, or an integer vector computed from them and
    /// from shapes, e.g. a reshape's target), or data computed from the graph's input, whose shape inference gives
    /// the per-sample shape (channels-last, as ModelGen holds it) and how ONNX lays it out.
    /// </summary>
    internal sealed class OnnxValue
    {
        public OnnxValue(string name) => Name = name;

        public string Name { get; }

        /// <summary>The node that writes it; null for the graph's input, initializers and missing tensors.</summary>
        public OnnxNode? Producer { get; set; }

        /// <summary>The nodes that read it, in file order.</summary>
        public List<OnnxNode> Consumers { get; } = new List<OnnxNode>();

        /// <summary>An initializer's or Constant node's tensor.</summary>
        public OnnxTensorProto? Constant { get; set; }

        /// <summary>An integer vector known before run time (<see cref="OnnxTensors.Batch"/> stands for the batch size).</summary>
        public long[]? Integers { get; set; }

        /// <summary>The dims of a computed integer tensor that is not a vector (a Reshape's [-1, 2] of pads); null for a vector.</summary>
        public long[]? IntegerDims { get; set; }

        /// <summary>Set by shape inference for data: one sample's shape as ModelGen holds it (channels-last).</summary>
        public Shape? Shape { get; set; }

        public OnnxLayout Layout { get; set; }

        /// <summary>
        /// For a flat tensor that a Flatten made of an image (with only Dropout since): that image, and whether ONNX
        /// had it channels-first, so the Dense layer reading it permutes its rows to ModelGen's (h, w, c) order.
        /// </summary>
        public Shape? FlattenedImage { get; set; }

        public bool FlattenedChannelsFirst { get; set; }

        public bool IsData => Shape.HasValue;

        /// <summary>The tensor as ONNX sees it, for messages: "[N, 32, 14, 14]".</summary>
        public string Text
        {
            get
            {
                Shape shape = Shape ?? Model.Shape.Flat(0);
                return Layout switch
                {
                    OnnxLayout.Flat => "[N, " + Format.Long(shape.Size) + "]",
                    OnnxLayout.ChannelsFirst => ChannelsFirstText(shape),
                    _ => "[N, " + Format.Int(shape.Height) + ", " + Format.Int(shape.Width) + ", " + Format.Int(shape.Channels) + "]",
                };
            }
        }

        /// <summary>The dims ONNX gives the tensor, the batch as <see cref="OnnxTensors.Batch"/> (what a Shape node reads).</summary>
        public long[] Dims
        {
            get
            {
                Shape shape = Shape ?? Model.Shape.Flat(0);
                return Layout switch
                {
                    OnnxLayout.Flat => new[] { OnnxTensors.Batch, shape.Size },
                    OnnxLayout.ChannelsFirst => new[] { OnnxTensors.Batch, shape.Channels, shape.Height, (long)shape.Width },
                    _ => new[] { OnnxTensors.Batch, shape.Height, shape.Width, (long)shape.Channels },
                };
            }
        }

        public static string ChannelsFirstText(Shape shape) =>
            "[N, " + Format.Int(shape.Channels) + ", " + Format.Int(shape.Height) + ", " + Format.Int(shape.Width) + "]";
    }

    /// <summary>A node of the graph with what the passes before conversion decided about it.</summary>
    internal sealed class OnnxNode
    {
        public OnnxNode(OnnxNodeProto proto, int index)
        {
            Proto = proto;
            Index = index;
        }

        public OnnxNodeProto Proto { get; }

        /// <summary>Its position in the file.</summary>
        public int Index { get; }

        public string OpType => Proto.OpType;

        public List<string> Inputs => Proto.Inputs;

        public List<string> Outputs => Proto.Outputs;

        public string Display => Proto.Display;

        public OnnxAttributeProto? Attribute(string name) => Proto.Attribute(name);

        /// <summary>Set by <see cref="OnnxPasses"/> when the node disappears into the aliasing of its output to its input.</summary>
        public bool Removed { get; set; }

        /// <summary>For a Gemm, MatMul or Conv: the activation that a later node folds into it.</summary>
        public Layers.ActivationSpec? Activation { get; set; }

        /// <summary>For a MatMul: the Add node that supplies its bias.</summary>
        public OnnxNode? BiasAdd { get; set; }

        /// <summary>For an activation or a bias Add: the Gemm, MatMul or Conv it folds into; for a Pad, the AveragePool or Conv.</summary>
        public OnnxNode? FoldedInto { get; set; }

        /// <summary>For a Clip: the activation it computes (ReLU6 for Clip(0, 6)), set by shape inference.</summary>
        public Layers.ActivationKind? ClipKind { get; set; }

        /// <summary>For a Pad: the zeros it adds, [top, left, bottom, right] (set by shape inference).</summary>
        public long[]? Pads { get; set; }

        /// <summary>For an AveragePool or Conv: the pads of the Pad nodes folded into it, [top, left, bottom, right].</summary>
        public long[]? FoldedPads { get; set; }

        /// <summary>For an AveragePool or Conv with Pad nodes folded into it: the tensor before the first of them.</summary>
        public string? PadInput { get; set; }
    }

    /// <summary>
    /// Every tensor of a graph by name (<see cref="OnnxValue"/>), its nodes in topological order, and the aliases that
    /// the passes make when they remove a node whose output is its input (Identity, a Flatten of a flat tensor).
    /// Built once from the graph; shape inference (<see cref="OnnxGraphMapper"/>) then fills in the values in order.
    /// </summary>
    internal sealed class OnnxValueTable
    {
        private readonly Dictionary<string, OnnxValue> _values = new Dictionary<string, OnnxValue>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _aliases = new Dictionary<string, string>(StringComparer.Ordinal);

        private OnnxValueTable(OnnxGraphProto graph)
        {
            Graph = graph;
        }

        public OnnxGraphProto Graph { get; }

        /// <summary>The nodes in topological order (file order where the file already is; nodes in a cycle last, in file order).</summary>
        public List<OnnxNode> Nodes { get; } = new List<OnnxNode>();

        /// <summary>The graph's one input (set by the mapper once it has checked the inputs).</summary>
        public OnnxValue? Input { get; set; }

        public static OnnxValueTable Build(OnnxGraphProto graph)
        {
            var table = new OnnxValueTable(graph);
            foreach (OnnxTensorProto initializer in graph.Initializers) table.Get(initializer.Name).Constant = initializer;
            var nodes = new List<OnnxNode>(graph.Nodes.Count);
            for (int i = 0; i < graph.Nodes.Count; i++) nodes.Add(new OnnxNode(graph.Nodes[i], i));
            foreach (OnnxNode node in nodes)
            {
                foreach (string output in node.Outputs)
                {
                    if (output.Length == 0) continue;
                    OnnxValue value = table.Get(output);
                    if (value.Producer is null) value.Producer = node;
                }
            }
            foreach (OnnxNode node in nodes)
            {
                foreach (string input in node.Inputs)
                {
                    if (input.Length == 0) continue;
                    List<OnnxNode> consumers = table.Get(input).Consumers;
                    if (consumers.Count == 0 || consumers[consumers.Count - 1] != node) consumers.Add(node);
                }
            }
            table.Nodes.AddRange(TopologicalOrder(nodes, table));
            return table;
        }

        /// <summary>Kahn's algorithm, always taking the ready node that comes first in the file.</summary>
        private static IEnumerable<OnnxNode> TopologicalOrder(List<OnnxNode> nodes, OnnxValueTable table)
        {
            var waiting = new int[nodes.Count];
            var ready = new SortedSet<int>();
            foreach (OnnxNode node in nodes)
            {
                foreach (string input in node.Inputs)
                {
                    if (input.Length > 0 && table._values[input].Producer is { } producer && producer != node) waiting[node.Index]++;
                }
                if (waiting[node.Index] == 0) ready.Add(node.Index);
            }
            var done = new bool[nodes.Count];
            while (ready.Count > 0)
            {
                int index = ready.Min;
                ready.Remove(index);
                done[index] = true;
                yield return nodes[index];
                foreach (string output in nodes[index].Outputs)
                {
                    if (output.Length == 0 || table._values[output].Producer != nodes[index]) continue;
                    foreach (OnnxNode consumer in table._values[output].Consumers)
                    {
                        if (consumer == nodes[index]) continue;
                        foreach (string input in consumer.Inputs)
                        {
                            if (input == output && --waiting[consumer.Index] == 0) ready.Add(consumer.Index);
                        }
                    }
                }
            }
            foreach (OnnxNode node in nodes) if (!done[node.Index]) yield return node;
        }

        private OnnxValue Get(string name)
        {
            if (!_values.TryGetValue(name, out OnnxValue? value)) _values.Add(name, value = new OnnxValue(name));
            return value;
        }

        /// <summary>The name a tensor goes by after the aliases: an Identity's output is its input.</summary>
        public string Resolve(string name)
        {
            // Aliases only point to tensors that exist before them, and never to themselves: no cycle.
            while (_aliases.TryGetValue(name, out string? target)) name = target;
            return name;
        }

        /// <summary>The tensor (after the aliases); an unknown name is a tensor that nothing writes.</summary>
        public OnnxValue this[string name] => Get(Resolve(name));

        /// <summary>Makes <paramref name="name"/> another name for <paramref name="target"/>; false when that would make a cycle.</summary>
        public bool Alias(string name, string target)
        {
            if (name.Length == 0 || Resolve(target) == name || _aliases.ContainsKey(name)) return false;
            string resolved = Resolve(target);
            _aliases.Add(name, resolved);
            if (_values.TryGetValue(name, out OnnxValue? old))
            {
                List<OnnxNode> consumers = Get(resolved).Consumers;
                foreach (OnnxNode consumer in old.Consumers) if (!consumers.Contains(consumer)) consumers.Add(consumer);
            }
            return true;
        }

        /// <summary>The float constant named <paramref name="name"/> (after the aliases), or null.</summary>
        public OnnxTensorProto? Constant(string name) => this[name].Constant;

        /// <summary>An integer tensor's values, flattened (a computed one, or an int64/int32 constant); null if unknown.</summary>
        public long[]? Integers(string name)
        {
            OnnxValue value = this[name];
            if (value.Integers is { } integers) return integers;
            return value.Constant is { } tensor ? OnnxTensors.Integers(tensor) : null;
        }

        /// <summary>The dims of an integer tensor whose values <see cref="Integers"/> knows: a constant's, or a computed one's ([length] for a vector).</summary>
        public long[] IntegerDims(string name)
        {
            OnnxValue value = this[name];
            if (value.Integers is { } integers) return value.IntegerDims ?? new long[] { integers.Length };
            return value.Constant is { } tensor ? tensor.Dims.ToArray() : Array.Empty<long>();
        }

        /// <summary>
        /// Whether <paramref name="node"/> is the only reader of the tensor (after the aliases; removed nodes do not
        /// count), and the tensor is not the graph's output: only then can the node fold into the one that writes it.
        /// </summary>
        public bool OnlyReader(string name, OnnxNode node)
        {
            string resolved = Resolve(name);
            foreach (OnnxValueInfo output in Graph.Outputs) if (Resolve(output.Name) == resolved) return false;
            foreach (OnnxNode consumer in this[resolved].Consumers)
                if (consumer != node && !consumer.Removed && consumer.Inputs.Exists(i => i.Length > 0 && Resolve(i) == resolved)) return false;
            return true;
        }

        /// <summary>Whether any node or the graph's output reads the tensor.</summary>
        public bool IsRead(string name)
        {
            foreach (OnnxNodeProto other in Graph.Nodes) if (other.Inputs.Contains(name)) return true;
            foreach (OnnxValueInfo output in Graph.Outputs) if (output.Name == name) return true;
            return false;
        }

        public static string Ints(List<long>? values) =>
            values is null ? "(none)" : "[" + string.Join(", ", values.ConvertAll(v => v.ToString(CultureInfo.InvariantCulture))) + "]";
    }
}
