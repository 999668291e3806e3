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
    /// layouts), the layers' names, and the chain they form. ModelGen's layers are a chain for now (a LayerSpec has no
    /// inputs of its own), so the conversion keeps the value the chain has reached (<see cref="Head"/>) and every node
    /// must read it; that check is the one thing here that a graph of layers will replace.
    /// </summary>
    internal sealed class OnnxConversion
    {
        private readonly Dictionary<string, int> _perKind = new Dictionary<string, int>();
        private readonly HashSet<string> _names = new HashSet<string>(StringComparer.Ordinal);

        public OnnxConversion(OnnxValueTable values, long opset, string input)
        {
            Values = values;
            Opset = opset;
            Head = input;
        }

        public OnnxValueTable Values { get; }

        public long Opset { get; }

        public List<LayerSpec> Layers { get; } = new List<LayerSpec>();

        public List<float> Parameters { get; } = new List<float>();

        /// <summary>The value the chain of layers has reached: the graph's input at first.</summary>
        public string Head { get; private set; }

        /// <summary>The value at <see cref="Head"/>.</summary>
        public OnnxValue HeadValue => Values[Head];

        /// <summary>The Softmax node, once converted: it must be the last node.</summary>
        public OnnxNodeProto? Softmax { get; set; }

        public LayerSpec? LastLayer => Layers.Count == 0 ? null : Layers[Layers.Count - 1];

        /// <summary>Whether the node reads the chain's value as its data (an Add as either of its operands: it is commutative).</summary>
        public bool ReadsHead(OnnxNode node)
        {
            if (node.OpType == "Add")
            {
                foreach (string input in node.Inputs) if (Values.Resolve(input) == Head) return true;
                return false;
            }
            return node.Inputs.Count > 0 && Values.Resolve(node.Inputs[0]) == Head;
        }

        /// <summary>The node must read the chain's value, and no node may follow the Softmax.</summary>
        public void CheckChain(OnnxNode node)
        {
            if (!ReadsHead(node))
                throw OnnxProblems.Node(node.Proto, "does not read the output of the node before it ('" + Head + "')",
                    "ModelGen imports a chain of layers from one input to one output, without branches");
            if (Softmax is not null)
                throw OnnxProblems.Node(Softmax, "is followed by " + node.Display, "ModelGen imports Softmax only as the graph's last node");
        }

        /// <summary>The node's output becomes the chain's value; its other outputs must be unused.</summary>
        public void Advance(OnnxNode node)
        {
            if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0) throw OnnxProblems.Node(node.Proto, "has no output", "every node of the chain writes one tensor");
            for (int i = 1; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i].Length > 0 && Values.IsRead(node.Outputs[i]))
                    throw OnnxProblems.Node(node.Proto, "has its output '" + node.Outputs[i] + "' read by another node", "ModelGen imports only the first output of a " + node.OpType);
            }
            Head = Values.Resolve(node.Outputs[0]);
        }

        /// <summary>Appends a layer and its parameters (W then b, in ModelGen's layouts).</summary>
        public void Add(LayerSpec layer, float[]? weights = null, float[]? biases = null)
        {
            Layers.Add(layer);
            if (weights is not null) Parameters.AddRange(weights);
            if (biases is not null) Parameters.AddRange(biases);
        }

        /// <summary>A unique layer name: from its weight's name where that makes an identifier, else "conv2d3"-style.</summary>
        public string LayerName(LayerKind kind, string? weightName)
        {
            _perKind.TryGetValue(kind.DefaultNamePrefix, out int ordinal);
            _perKind[kind.DefaultNamePrefix] = ++ordinal;
            string? fromFile = weightName is null ? null : Identifier(weightName);
            string name = fromFile is not null && !_names.Contains(fromFile) ? fromFile : kind.DefaultNamePrefix + ordinal.ToString(CultureInfo.InvariantCulture);
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
            string stem = dot > 0 ? weightName.Substring(0, dot) : weightName;
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
