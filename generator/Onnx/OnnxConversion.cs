using System;
using System.Collections.Generic;
using System.Globalization;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx
{
    /// <summary>
    /// What the operators' <c>Convert</c> steps build: ModelGen's layers and their parameters (in ModelGen's order and
    /// layouts), the layers' names, and the graph they form: every data tensor of the ONNX graph (after the aliases)
    /// maps to the ModelGen tensor that holds it, a layer's name or the input's (<see cref="TensorOf"/>), and each
    /// layer's <see cref="LayerSpec.InputNames"/> are the ModelGen tensors of the ONNX tensors it reads.
    /// </summary>
    internal sealed class OnnxConversion
    {
        private readonly Dictionary<string, int> _perKind = new Dictionary<string, int>();
        private readonly HashSet<string> _names = new HashSet<string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _tensors = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, OnnxNode> _nodeOfLayer = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        private OnnxNode? _current;
        private int _layersBefore;

        public OnnxConversion(OnnxValueTable values, long opset, string input)
        {
            Values = values;
            Opset = opset;
            _tensors[values.Resolve(input)] = InputName;
            _names.Add(InputName);
        }

        /// <summary>The name the layers give the graph's input (<see cref="ModelSpec.InputName"/>'s default).</summary>
        public const string InputName = "input";

        public OnnxValueTable Values { get; }

        public long Opset { get; }

        public List<LayerSpec> Layers { get; } = new List<LayerSpec>();

        public List<float> Parameters { get; } = new List<float>();

        /// <summary>Saved values that are not trained (BatchNormalization's running mean and variance), layer by layer.</summary>
        public List<float> State { get; } = new List<float>();

        /// <summary>Saved int64 counters (BatchNormalization's num_batches_tracked), layer by layer.</summary>
        public List<long> Counters { get; } = new List<long>();

        /// <summary>The Softmax node, once converted: it must be the last node.</summary>
        public OnnxNodeProto? Softmax { get; set; }

        /// <summary>The ModelGen tensor (a layer's name, or <see cref="InputName"/>) that holds the ONNX data tensor, or null.</summary>
        public string? TensorOrNull(string onnxName) =>
            onnxName.Length > 0 && _tensors.TryGetValue(Values.Resolve(onnxName), out string? tensor) ? tensor : null;

        /// <summary>The ModelGen tensor that holds the data tensor <paramref name="onnxName"/> that the current node reads.</summary>
        public string TensorOf(string onnxName) =>
            TensorOrNull(onnxName) ?? throw NotComputed(_current!, onnxName);

        /// <summary>The node that wrote the layer (for messages about it).</summary>
        public OnnxNode? NodeOf(string layerName) => _nodeOfLayer.TryGetValue(layerName, out OnnxNode? node) ? node : null;

        private static OnnxImportException NotComputed(OnnxNode node, string input) =>
            OnnxProblems.Node(node.Proto, "reads '" + input + "', which is not computed from the graph's input by the nodes before it",
                "ModelGen imports graphs whose nodes compute from the one input (their weights and settings stored in the file)");

        /// <summary>
        /// Before a node's conversion: its data inputs (<paramref name="dataInputs"/>) must be tensors computed from the
        /// input, and no node may follow the Softmax.
        /// </summary>
        public void Begin(OnnxNode node, IEnumerable<string> dataInputs)
        {
            _current = node;
            _layersBefore = Layers.Count;
            foreach (string input in dataInputs) if (TensorOrNull(input) is null) throw NotComputed(node, input);
            if (Softmax is not null)
                throw OnnxProblems.Node(Softmax, "is followed by " + node.Display, "ModelGen imports Softmax only as the graph's last node");
        }

        /// <summary>
        /// The node's output is the layer it added (the last), or, for a node that added none, what its first input
        /// is (a layout change, a node folded into another), or what <paramref name="from"/> is; its other outputs must be unused.
        /// </summary>
        public void Advance(OnnxNode node, string? from = null)
        {
            if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0) throw OnnxProblems.Node(node.Proto, "has no output", "every node of the graph writes one tensor");
            for (int i = 1; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i].Length > 0 && Values.IsRead(node.Outputs[i]))
                    throw OnnxProblems.Node(node.Proto, "has its output '" + node.Outputs[i] + "' read by another node", "ModelGen imports only the first output of a " + node.OpType);
            }
            string output = Values.Resolve(node.Outputs[0]);
            string tensor = Layers.Count > _layersBefore && node == _current ? Layers[Layers.Count - 1].Name : TensorOf(from ?? (node.Inputs.Count > 0 ? node.Inputs[0] : ""));
            _tensors[output] = tensor;
        }

        /// <summary>
        /// Appends a layer that reads the ModelGen tensors of <paramref name="onnxInputs"/> (by default the current node's
        /// first input), and its parameters (W then b, in ModelGen's layouts).
        /// </summary>
        public void Add(LayerSpec layer, float[]? weights = null, float[]? biases = null, IReadOnlyList<string>? onnxInputs = null)
        {
            var inputs = new List<string>();
            foreach (string input in onnxInputs ?? new[] { _current!.Inputs[0] }) inputs.Add(TensorOf(input));
            Layers.Add(layer with { InputNames = new EquatableArray<string>(inputs) });
            _nodeOfLayer[layer.Name] = _current!;
            if (weights is not null) Parameters.AddRange(weights);
            if (biases is not null) Parameters.AddRange(biases);
        }

        /// <summary>A unique layer name: from its weight's name where that makes an identifier, else "conv2d3"-style.</summary>
        public string LayerName(LayerKind kind, string? weightName) => Unique(kind, weightName is null ? null : Identifier(weightName));

        /// <summary>
        /// The name of a layer with weights: from the weight's name ("layer1.0.conv1.weight" gives "layer1_0_conv1"), or,
        /// for the weights PyTorch's eval exports name "onnx::Conv_62" (BatchNormalization folded in), from the node's
        /// module path ("/layer1/conv1/Conv" gives "layer1_conv1").
        /// </summary>
        public string LayerName(LayerKind kind, string weightName, OnnxNode node)
        {
            if (weightName.StartsWith("onnx::", StringComparison.Ordinal))
            {
                string path = node.Proto.Name.TrimStart('/');
                int slash = path.LastIndexOf('/');
                if (slash > 0 && Clean(path.Substring(0, slash)) is { } module) return Unique(kind, module);
            }
            return LayerName(kind, weightName);
        }

        /// <summary>A unique name for a layer without weights, from its node's name ("/layer1/Add" gives "layer1_Add"), else "Add3"-style.</summary>
        public string LayerNameOfNode(LayerKind kind, OnnxNode node) => Unique(kind, Clean(node.Proto.Name));

        private string Unique(LayerKind kind, string? candidate)
        {
            _perKind.TryGetValue(kind.DefaultNamePrefix, out int ordinal);
            _perKind[kind.DefaultNamePrefix] = ++ordinal;
            string name = candidate is not null && !_names.Contains(candidate) ? candidate : kind.DefaultNamePrefix + ordinal.ToString(CultureInfo.InvariantCulture);
            while (!_names.Add(name)) name += "_";
            return name;
        }

        /// <summary>
        /// A layer name from its weight's name: PyTorch's "fc1.weight" and ModelGen's "Hidden.weight" give "fc1"
        /// and "Hidden"; "features.0.weight" gives "features_0". Null when nothing usable is left.
        /// </summary>
        private static string? Identifier(string weightName)
        {
            int dot = weightName.LastIndexOf('.');
            return Clean(dot > 0 ? weightName.Substring(0, dot) : weightName);
        }

        /// <summary>An identifier from a name: other characters become '_', "L" before a leading digit; null for nothing usable or a keyword.</summary>
        private static string? Clean(string stem)
        {
            var text = new System.Text.StringBuilder();
            foreach (char c in stem) text.Append(c < 128 && (char.IsLetterOrDigit(c) || c == '_') ? c : '_');
            string name = text.ToString().Trim('_');
            if (name.Length == 0 || name.Length > 64) return null;
            if (char.IsDigit(name[0])) name = "L" + name;
            return Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None &&
                   Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetContextualKeywordKind(name) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None
                ? name : null;
        }

        /// <summary>
        /// PyTorch's state_dict name of a layer whose weight is "features.8.weight" ("features.8"), so Save writes the
        /// tensors under the names PyTorch loads; null when the layer's own name is that already, or when the weight is
        /// not PyTorch's (a MatMul's [in, out] matrix is not nn.Linear.weight, and tf2onnx names are not state_dict names).
        /// </summary>
        public static string? SavedName(string weightName, string layerName, bool pyTorchLayout)
        {
            const string Suffix = ".weight";
            if (!pyTorchLayout || !weightName.EndsWith(Suffix, StringComparison.Ordinal) || weightName.Length == Suffix.Length) return null;
            string stem = weightName.Substring(0, weightName.Length - Suffix.Length);
            foreach (char c in stem) if (c == '"' || c == '\\' || char.IsControl(c)) return null; // it goes into a string literal
            return stem == layerName ? null : stem;
        }

        public static Shape Image(long height, long width, long channels) => Shape.Image((int)height, (int)width, (int)channels);

        public static void CheckSize(Shape shape, string what)
        {
            if (shape.Size > Emitting.ModelEmitter.MaxArrayLength)
                throw OnnxProblems.Graph("has " + what + " of " + Format.Count(shape.Size) + " values per sample", "a sample's tensors must fit one array");
        }
    }
}
