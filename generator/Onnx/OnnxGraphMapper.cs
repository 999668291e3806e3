using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Onnx
{
    /// <summary>
    /// Maps an ONNX graph onto ModelGen's layers. The graph must be a chain from its one input to its one
    /// output (the small integer side-computations of a reshape aside); each node either becomes a layer
    /// (Gemm, MatMul + Add, Conv, MaxPool, Flatten or a flattening Reshape, Dropout), folds into the layer
    /// before it (an activation right after a Gemm or Conv), only changes how ONNX lays the tensor out
    /// (Transpose between NCHW and NHWC), or disappears (Identity). The first node that does not fit stops
    /// the import with an <see cref="OnnxImportException"/> naming the node and what is supported.
    ///
    /// ModelGen holds images channels-last; ONNX's Conv and MaxPool work channels-first. So the mapper keeps
    /// the tensor's ONNX layout beside its (channels-last) shape, and converts weights at import time: Conv W
    /// [F, C, kh, kw] → [kh, kw, C, F]; Gemm with transB = 1, W [out, in] → [in, out]; and the rows of a Dense
    /// layer after a channels-first Flatten from (c, h, w) order to ModelGen's (h, w, c).
    /// </summary>
    internal sealed partial class OnnxGraphMapper
    {
        public const int MinOpset = 11;
        public const int MaxOpset = 21;

        private const string Supported = "ModelGen imports opsets 11 to 21";

        private readonly OnnxModelProto _model;
        private readonly OnnxGraphProto _graph;
        private readonly OnnxTensors _tensors = new OnnxTensors();
        private readonly long _opset;

        // The chain so far.
        private readonly List<LayerSpec> _layers = new List<LayerSpec>();
        private readonly List<float> _parameters = new List<float>();
        private readonly Dictionary<string, int> _perKind = new Dictionary<string, int>();
        private readonly HashSet<string> _names = new HashSet<string>(StringComparer.Ordinal);

        // The tensor the chain has reached, its channels-last shape, and how ONNX lays it out.
        private string _current = "";
        private Shape _shape;
        private OnnxLayout _layout;
        private bool _inputChannelsFirst;
        private string _inputName = "";
        private long[] _inputDims = Array.Empty<long>();

        // Set after a Gemm, MatMul or Conv whose output is _current: an activation node folds into it.
        private bool _canFoldActivation;
        // Set after a MaxPool right after such a Conv: a monotone activation there (PyTorch's classic
        // relu(max_pool2d(conv(x), 2))) equals the same activation before the pooling, so it folds into the Conv.
        private bool _canFoldThroughPool;
        // Set after a MatMul: an Add of a bias vector folds into it.
        private int _biasesAwaitingAdd = -1;
        // The image a Flatten flattened (with only Dropout since), and whether ONNX had it channels-first.
        private Shape? _flattenedImage;
        private bool _flattenedChannelsFirst;
        private OnnxNodeProto? _softmaxNode;

        private OnnxGraphMapper(OnnxModelProto model, long opset)
        {
            _model = model;
            _graph = model.Graph!;
            _opset = opset;
        }

        /// <summary>Maps the graph, or throws <see cref="OnnxImportException"/> for the first thing ModelGen cannot import.</summary>
        public static ImportedNetwork Map(OnnxModelProto model, CancellationToken cancellationToken)
        {
            long opset = CheckOpset(model);
            var mapper = new OnnxGraphMapper(model, opset);
            return mapper.Run(cancellationToken);
        }

        private static long CheckOpset(OnnxModelProto model)
        {
            long? opset = null;
            foreach (var (domain, version) in model.Opsets)
            {
                if (domain.Length == 0 || domain == "ai.onnx") opset = version;
            }
            if (opset is null) throw GraphProblem("imports no version of the default operator set (ai.onnx)", Supported);
            if (opset < MinOpset || opset > MaxOpset)
                throw GraphProblem("uses opset " + opset.Value.ToString(CultureInfo.InvariantCulture), Supported + " (as torch.onnx.export and tf2onnx write them); export again with opset_version between 11 and 21");
            return opset.Value;
        }

        private ImportedNetwork Run(CancellationToken cancellationToken)
        {
            foreach (OnnxTensorProto initializer in _graph.Initializers) _tensors.AddConstant(initializer, initializer.Name);
            ReadInput();
            var consumed = new HashSet<string>(StringComparer.Ordinal);
            foreach (OnnxNodeProto node in _graph.Nodes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (node.Domain.Length > 0 && node.Domain != "ai.onnx") throw new OnnxImportException(OnnxProblem.Create(Diagnostics.OnnxOperatorUnsupported, node.Display, node.Domain + "." + node.OpType));
                if (TryInteger(node)) continue;
                // Add is commutative: exporters put the bias first or second.
                bool readsCurrent = node.OpType == "Add" ? node.Inputs.Contains(_current) : node.Inputs.Count > 0 && node.Inputs[0] == _current;
                if (!readsCurrent)
                    throw NodeProblem(node, "does not read the output of the node before it ('" + _current + "')",
                        "ModelGen imports a chain of layers from one input to one output, without branches");
                if (_softmaxNode is not null)
                    throw NodeProblem(_softmaxNode, "is followed by " + node.Display, "ModelGen imports Softmax only as the graph's last node");
                Layer(node);
            }
            return Finish();
        }

        // ---------------------------------------------------------------- input and output

        private void ReadInput()
        {
            var inputs = new List<OnnxValueInfo>();
            foreach (OnnxValueInfo input in _graph.Inputs) if (!_tensors.IsConstant(input.Name)) inputs.Add(input);
            if (inputs.Count != 1)
            {
                var names = inputs.ConvertAll(i => "'" + i.Name + "'");
                throw GraphProblem(inputs.Count == 0 ? "has no input besides its initializers" : "has " + inputs.Count + " inputs (" + string.Join(", ", names) + ")",
                    "ModelGen imports graphs with one input, a batch of samples");
            }
            OnnxValueInfo value = inputs[0];
            if (value.ElementType != OnnxDataType.Float)
                throw GraphProblem("declares its input '" + value.Name + "' as " + OnnxDataType.Name(value.ElementType), "ModelGen imports float32 inputs");
            if (!value.HasShape || (value.Dims.Count != 2 && value.Dims.Count != 4))
                throw GraphProblem("declares its input '" + value.Name + "' with shape " + value.DimsText,
                    "ModelGen imports inputs [N, features] and images [N, C, H, W] (or [N, H, W, C] followed by a Transpose to NCHW), N being the batch");
            _inputDims = new long[value.Dims.Count - 1];
            for (int i = 1; i < value.Dims.Count; i++)
            {
                long? dim = value.Dims[i];
                if (dim is null || dim < 1 || dim > int.MaxValue)
                    throw GraphProblem("declares its input '" + value.Name + "' with shape " + value.DimsText,
                        "every dimension but the batch (the first) must be a fixed size");
                _inputDims[i - 1] = dim.Value;
            }
            _inputName = value.Name;
            _current = value.Name;
            if (_inputDims.Length == 1)
            {
                _shape = Shape.Flat((int)_inputDims[0]);
                _layout = OnnxLayout.Flat;
            }
            else
            {
                // [N, C, H, W] unless a Transpose to NCHW comes first (ModelGen's own exports: [N, H, W, C]).
                _shape = Image(_inputDims[1], _inputDims[2], _inputDims[0]);
                _layout = OnnxLayout.ChannelsFirst;
                _inputChannelsFirst = true;
            }
            CheckSize(_shape, "its input '" + value.Name + "'");
        }

        private ImportedNetwork Finish()
        {
            if (_graph.Outputs.Count != 1)
                throw GraphProblem("has " + _graph.Outputs.Count + " outputs (" + string.Join(", ", _graph.Outputs.ConvertAll(o => "'" + o.Name + "'")) + ")",
                    "ModelGen imports graphs with one output");
            string output = _graph.Outputs[0].Name;
            if (output != _current)
                throw GraphProblem("has its output '" + output + "' elsewhere than at the end of the chain of layers ('" + _current + "')",
                    "ModelGen imports a chain of layers from one input to one output");
            // Dropout does nothing at inference: at the end of the chain it has nothing to train and is left out.
            while (_layers.Count > 0 && _layers[_layers.Count - 1] is DropoutSpec) _layers.RemoveAt(_layers.Count - 1);
            if (_layers.Count == 0 || !_layers.Exists(l => l.IsTrainable))
                throw GraphProblem("has no Gemm, MatMul or Conv node", "ModelGen imports networks with at least one layer that has parameters");
            if (_layout == OnnxLayout.ChannelsFirst && _shape.IsImage && _shape.Channels > 1)
                throw GraphProblem("ends with a channels-first image " + ChannelsFirstText(_shape),
                    "ModelGen outputs images channels-last; end the graph with a Flatten and a Gemm, or a Transpose to NHWC");
            if (_flattenedImage is { } flat && _flattenedChannelsFirst && flat.Channels > 1 && _layers[_layers.Count - 1] is FlattenSpec)
                throw GraphProblem("ends with a Flatten of a channels-first image", "ModelGen flattens images in (h, w, c) order; end the graph with a Gemm after the Flatten");
            LayerSpec last = _layers[_layers.Count - 1];
            LossKind loss = last.LayerActivation?.Kind == ActivationKind.Softmax ? LossKind.SparseCategoricalCrossEntropy : LossKind.MeanSquaredError;
            if (_parameters.Count > Emitting.ModelEmitter.MaxArrayLength)
                throw GraphProblem("has " + _parameters.Count + " parameters", "a model's parameters must fit one float array");
            string producer = _model.ProducerName.Length == 0 ? "an unnamed producer" : (_model.ProducerName + " " + _model.ProducerVersion).Trim();
            string description = "written by " + producer + ", opset " + _opset.ToString(CultureInfo.InvariantCulture) +
                ", IR version " + _model.IrVersion.ToString(CultureInfo.InvariantCulture);
            return new ImportedNetwork(InputShape(), _inputChannelsFirst, new EquatableArray<LayerSpec>(_layers), loss,
                new FloatData(_parameters.ToArray()), description);
        }

        private Shape InputShape() => _inputDims.Length == 1
            ? Shape.Flat((int)_inputDims[0])
            : _inputChannelsFirst ? Image(_inputDims[1], _inputDims[2], _inputDims[0]) : Image(_inputDims[0], _inputDims[1], _inputDims[2]);

        // ---------------------------------------------------------------- the chain

        private void Layer(OnnxNodeProto node)
        {
            switch (node.OpType)
            {
                case "Gemm": Gemm(node); break;
                case "MatMul": MatMul(node); break;
                case "Add": AddBias(node); break;
                case "Conv": Conv(node); break;
                case "MaxPool": MaxPool(node); break;
                case "Relu": Activation(node, new ActivationSpec(ActivationKind.ReLU, 0f)); break;
                case "LeakyRelu": Activation(node, new ActivationSpec(ActivationKind.LeakyReLU, node.Attribute("alpha")?.F ?? 0.01f)); break;
                case "Sigmoid": Activation(node, new ActivationSpec(ActivationKind.Sigmoid, 0f)); break;
                case "Tanh": Activation(node, new ActivationSpec(ActivationKind.Tanh, 0f)); break;
                case "Softmax": Softmax(node); break;
                case "Flatten": Flatten(node); break;
                case "Reshape": Reshape(node); break;
                case "Transpose": Transpose(node); break;
                case "Dropout": Dropout(node); break;
                case "Identity": Advance(node, _canFoldActivation); break;
                default: throw new OnnxImportException(OnnxProblem.Create(Diagnostics.OnnxOperatorUnsupported, node.Display, node.OpType));
            }
        }

        /// <summary>The node's output becomes the chain's current tensor; by default nothing else folds into it.</summary>
        private void Advance(OnnxNodeProto node, bool canFoldActivation = false)
        {
            if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0) throw NodeProblem(node, "has no output", "every node of the chain writes one tensor");
            for (int i = 1; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i].Length > 0 && IsRead(node.Outputs[i]))
                    throw NodeProblem(node, "has its output '" + node.Outputs[i] + "' read by another node", "ModelGen imports only the first output of a " + node.OpType);
            }
            _current = node.Outputs[0];
            _canFoldActivation = canFoldActivation;
            _canFoldThroughPool = false;
            if (!canFoldActivation) _biasesAwaitingAdd = -1;
        }

        private bool IsRead(string tensor)
        {
            foreach (OnnxNodeProto other in _graph.Nodes) if (other.Inputs.Contains(tensor)) return true;
            foreach (OnnxValueInfo output in _graph.Outputs) if (output.Name == tensor) return true;
            return false;
        }

        private void Activation(OnnxNodeProto node, ActivationSpec activation)
        {
            if (activation.Kind == ActivationKind.LeakyReLU && !(activation.Slope >= 0f && !float.IsInfinity(activation.Slope)))
                throw NodeProblem(node, "has alpha " + Format.Float(activation.Slope), "ModelGen imports LeakyRelu with a finite alpha ≥ 0");
            // max(f(a), f(b)) = f(max(a, b)) for a non-decreasing f (every activation here but Softmax, LeakyReLU
            // with alpha ≥ 0 included), and padding never wins a max pool: the activation moves before the pool.
            bool throughPool = _canFoldThroughPool && activation.Kind != ActivationKind.Softmax;
            if (!throughPool && (!_canFoldActivation || _layers.Count == 0 || _layers[_layers.Count - 1].LayerActivation?.Kind != ActivationKind.Identity))
                throw NodeProblem(node, "does not directly follow a Gemm, MatMul (with its Add) or Conv",
                    "ModelGen imports an activation as part of the layer before it, so it must come right after one (or after a MaxPool right after a Conv)");
            int last = _layers.Count - (throughPool ? 2 : 1);
            _layers[last] = _layers[last] switch
            {
                DenseSpec dense => dense with { Activation = activation },
                Conv2DSpec conv => conv with { Activation = activation },
                _ => _layers[last],
            };
            Advance(node);
        }

        private void Softmax(OnnxNodeProto node)
        {
            if (_layout != OnnxLayout.Flat || _layers.Count == 0 || _layers[_layers.Count - 1] is not DenseSpec)
                throw NodeProblem(node, "does not follow a Gemm or MatMul", "ModelGen imports Softmax only on the output of a Gemm (or MatMul and Add), as the last node");
            // Opset 13 made the default axis -1; before, it was 1, which is also the last axis of [N, classes].
            long axis = node.Attribute("axis")?.I ?? (_opset >= 13 ? -1 : 1);
            if (axis != 1 && axis != -1)
                throw NodeProblem(node, "is a Softmax over axis " + axis.ToString(CultureInfo.InvariantCulture) + " of a [N, classes] tensor",
                    "ModelGen imports Softmax over the last axis (1 or -1), each sample's classes");
            Activation(node, new ActivationSpec(ActivationKind.Softmax, 0f));
            _softmaxNode = node;
        }

        // ---------------------------------------------------------------- helpers

        private static Shape Image(long height, long width, long channels) => Shape.Image((int)height, (int)width, (int)channels);

        private static string ChannelsFirstText(Shape shape) =>
            "[N, " + Format.Int(shape.Channels) + ", " + Format.Int(shape.Height) + ", " + Format.Int(shape.Width) + "]";

        /// <summary>The tensor as ONNX sees it, for messages: "[N, 32, 14, 14]".</summary>
        private string CurrentText() => _layout switch
        {
            OnnxLayout.Flat => "[N, " + Format.Long(_shape.Size) + "]",
            OnnxLayout.ChannelsFirst => ChannelsFirstText(_shape),
            _ => "[N, " + Format.Int(_shape.Height) + ", " + Format.Int(_shape.Width) + ", " + Format.Int(_shape.Channels) + "]",
        };

        private static void CheckSize(Shape shape, string what)
        {
            if (shape.Size > Emitting.ModelEmitter.MaxArrayLength)
                throw GraphProblem("has " + what + " of " + Format.Count(shape.Size) + " values per sample", "a sample's tensors must fit one array");
        }

        private string LayerName(LayerKind kind, string? weightName)
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

        internal static OnnxImportException NodeProblem(OnnxNodeProto node, string problem, string supported) =>
            new OnnxImportException(OnnxProblem.Create(Diagnostics.OnnxNodeUnsupported, node.Display, problem, supported));

        internal static OnnxImportException TensorProblem(OnnxNodeProto node, string problem, string supported) =>
            new OnnxImportException(OnnxProblem.Create(Diagnostics.OnnxTensorInvalid, node.Display, problem, supported));

        internal static OnnxImportException GraphProblem(string problem, string supported) =>
            new OnnxImportException(OnnxProblem.Create(Diagnostics.OnnxGraphUnsupported, problem, supported));
    }

    /// <summary>How ONNX lays out the tensor the chain has reached (ModelGen's own buffer is always channels-last).</summary>
    internal enum OnnxLayout
    {
        Flat,
        ChannelsFirst,
        ChannelsLast,
    }
}
