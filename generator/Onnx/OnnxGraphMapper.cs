using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using ModelGen.Generator.Onnx.Operators;

namespace ModelGen.Generator.Onnx
{
    /// <summary>
    /// Maps an ONNX graph onto ModelGen's layers, in steps (the way burn-import reads ONNX):
    /// <list type="number">
    /// <item>the value table (<see cref="OnnxValueTable"/>): every tensor by name with its producer and consumers, the
    /// initializers as constants, the nodes in topological order; the graph's one input, its shape and layout;</item>
    /// <item><see cref="OnnxPasses.ResolveIdentities"/>: Identity outputs become names of their inputs;</item>
    /// <item>shape inference in topological order: each node's operator (<see cref="OnnxOperators"/>, one file per operator
    /// under Operators/) checks its attributes and constant inputs and fills in its outputs (shape, layout, constants);</item>
    /// <item>the folding passes (<see cref="OnnxPasses"/>): flat Flatten/Reshape removed, bias Adds into their MatMul,
    /// activations into the layer before them;</item>
    /// <item>conversion in the same order: each remaining node's operator appends its layers and parameters, in ModelGen's
    /// layouts (<see cref="OnnxConversion"/>);</item>
    /// <item>the checks of the whole: the output, a trainable layer, sizes.</item>
    /// </list>
    /// The first problem stops the import with an <see cref="OnnxImportException"/> naming the node and what is supported.
    ///
    /// ModelGen holds images channels-last; ONNX's Conv and MaxPool work channels-first. So each value keeps its ONNX
    /// layout beside its (channels-last) shape, and the converters convert weights at import time: Conv W [F, C, kh, kw]
    /// → [kh, kw, C, F]; Gemm with transB = 1, W [out, in] → [in, out]; and the rows of a Dense layer after a
    /// channels-first Flatten from (c, h, w) order to ModelGen's (h, w, c).
    /// </summary>
    internal sealed class OnnxGraphMapper
    {
        public const int MinOpset = 11;
        public const int MaxOpset = 21;

        private const string Supported = "ModelGen imports opsets 11 to 21";

        private readonly OnnxModelProto _model;
        private readonly OnnxGraphProto _graph;
        private readonly long _opset;
        private readonly OnnxValueTable _values;

        private OnnxGraphMapper(OnnxModelProto model, long opset)
        {
            _model = model;
            _graph = model.Graph!;
            _opset = opset;
            _values = OnnxValueTable.Build(_graph);
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
            if (opset is null) throw OnnxProblems.Graph("imports no version of the default operator set (ai.onnx)", Supported);
            if (opset < MinOpset || opset > MaxOpset)
                throw OnnxProblems.Graph("uses opset " + opset.Value.ToString(CultureInfo.InvariantCulture), Supported + " (as torch.onnx.export and tf2onnx write them); export again with opset_version between 11 and 21");
            return opset.Value;
        }

        private ImportedNetwork Run(CancellationToken cancellationToken)
        {
            OnnxValue input = ReadInput();
            OnnxPasses.ResolveIdentities(_values);
            foreach (OnnxNode node in _values.Nodes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (node.Removed) continue;
                OnnxOperator op = OperatorOf(node);
                if (op.DataInputs(node).All(name => name.Length > 0 && _values[name].IsData)) op.Infer(node, _values);
            }
            OnnxPasses.RemovePassThroughs(_values);
            OnnxPasses.FoldPads(_values);
            OnnxPasses.FoldBiasAdds(_values);
            OnnxPasses.FoldReluIntoClip(_values);
            OnnxPasses.FoldActivations(_values);

            var conversion = new OnnxConversion(_values, _opset, input.Name);
            foreach (OnnxNode node in _values.Nodes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (node.Removed) continue;
                OnnxOperator op = OperatorOf(node);
                if (op.IsConstant(node, _values)) continue;
                conversion.Begin(node, op.DataInputs(node));
                op.Convert(node, conversion);
            }
            return Finish(conversion, input);
        }

        private static OnnxOperator OperatorOf(OnnxNode node)
        {
            if (node.Proto.Domain.Length > 0 && node.Proto.Domain != "ai.onnx") throw OnnxProblems.Operator(node.Proto, node.Proto.Domain + "." + node.OpType);
            return OnnxOperators.For(node.OpType) ?? throw OnnxProblems.Operator(node.Proto, node.OpType);
        }

        // ---------------------------------------------------------------- input and output

        private OnnxValue ReadInput()
        {
            var inputs = new List<OnnxValueInfo>();
            foreach (OnnxValueInfo candidate in _graph.Inputs) if (_values[candidate.Name].Constant is null) inputs.Add(candidate);
            if (inputs.Count != 1)
            {
                var names = inputs.ConvertAll(i => "'" + i.Name + "'");
                throw OnnxProblems.Graph(inputs.Count == 0 ? "has no input besides its initializers" : "has " + inputs.Count + " inputs (" + string.Join(", ", names) + ")",
                    "ModelGen imports graphs with one input, a batch of samples");
            }
            OnnxValueInfo info = inputs[0];
            if (info.ElementType != OnnxDataType.Float)
                throw OnnxProblems.Graph("declares its input '" + info.Name + "' as " + OnnxDataType.Name(info.ElementType), "ModelGen imports float32 inputs");
            if (!info.HasShape || (info.Dims.Count != 2 && info.Dims.Count != 4))
                throw OnnxProblems.Graph("declares its input '" + info.Name + "' with shape " + info.DimsText,
                    "ModelGen imports inputs [N, features] and images [N, C, H, W] (or [N, H, W, C] followed by a Transpose to NCHW), N being the batch");
            var dims = new long[info.Dims.Count - 1];
            for (int i = 1; i < info.Dims.Count; i++)
            {
                long? dim = info.Dims[i];
                if (dim is null || dim < 1 || dim > int.MaxValue)
                    throw OnnxProblems.Graph("declares its input '" + info.Name + "' with shape " + info.DimsText,
                        "every dimension but the batch (the first) must be a fixed size");
                dims[i - 1] = dim.Value;
            }
            OnnxValue input = _values[info.Name];
            if (dims.Length == 1)
            {
                input.Shape = Shape.Flat((int)dims[0]);
                input.Layout = OnnxLayout.Flat;
            }
            else if (input.Consumers.Exists(TransposeOperator.MakesInputChannelsLast))
            {
                // [N, H, W, C], as ModelGen's own exports and tf2onnx declare it, then a Transpose to NCHW: the class takes it that way.
                input.Shape = OnnxConversion.Image(dims[0], dims[1], dims[2]);
                input.Layout = OnnxLayout.ChannelsLast;
            }
            else
            {
                input.Shape = OnnxConversion.Image(dims[1], dims[2], dims[0]);
                input.Layout = OnnxLayout.ChannelsFirst;
            }
            OnnxConversion.CheckSize(input.Shape.Value, "its input '" + info.Name + "'");
            _values.Input = input;
            return input;
        }

        private ImportedNetwork Finish(OnnxConversion conversion, OnnxValue input)
        {
            if (_graph.Outputs.Count != 1)
                throw OnnxProblems.Graph("has " + _graph.Outputs.Count + " outputs (" + string.Join(", ", _graph.Outputs.ConvertAll(o => "'" + o.Name + "'")) + ")",
                    "ModelGen imports graphs with one output");
            string output = _graph.Outputs[0].Name;
            List<LayerSpec> layers = conversion.Layers;
            if (layers.Count == 0 || !layers.Exists(l => l.IsTrainable))
                throw OnnxProblems.Graph("has no Gemm, MatMul or Conv node", "ModelGen imports networks with at least one layer that has parameters");
            string? outputTensor = conversion.TensorOrNull(output);
            if (outputTensor is null || layers.Count == 0 || outputTensor != layers[layers.Count - 1].Name)
                throw OnnxProblems.Graph("has its output '" + output + "' " + (outputTensor is null ? "not computed from its input" : "elsewhere than at the last of its layers"),
                    "ModelGen imports graphs whose output is computed from the one input by the last node");
            // Every layer leads to the output: the layers after it read it.
            var read = new HashSet<string>(StringComparer.Ordinal);
            foreach (LayerSpec layer in layers) foreach (string name in layer.InputNames) read.Add(name);
            for (int i = 0; i < layers.Count - 1; i++)
            {
                if (!read.Contains(layers[i].Name))
                    throw OnnxProblems.Node(conversion.NodeOf(layers[i].Name)!.Proto, "writes a tensor that no node on the way to the graph's output reads",
                        "ModelGen imports graphs whose every node leads to the one output");
            }
            // Dropout does nothing at inference: at the end of the graph it has nothing to train and is left out.
            while (layers.Count > 1 && layers[layers.Count - 1] is DropoutSpec dropout && dropout.InputNames[0] == layers[layers.Count - 2].Name)
                layers.RemoveAt(layers.Count - 1);
            OnnxValue last = _values[output];
            Shape shape = last.Shape!.Value;
            if (last.Layout == OnnxLayout.ChannelsFirst && shape.IsImage && shape.Channels > 1)
                throw OnnxProblems.Graph("ends with a channels-first image " + OnnxValue.ChannelsFirstText(shape),
                    "ModelGen outputs images channels-last; end the graph with a Flatten and a Gemm, or a Transpose to NHWC");
            if (last.FlattenedImage is { } flat && last.FlattenedChannelsFirst && flat.Channels > 1 && layers[layers.Count - 1] is FlattenSpec)
                throw OnnxProblems.Graph("ends with a Flatten of a channels-first image", "ModelGen flattens images in (h, w, c) order; end the graph with a Gemm after the Flatten");
            LossKind loss = layers[layers.Count - 1].LayerActivation?.Kind == ActivationKind.Softmax ? LossKind.SparseCategoricalCrossEntropy : LossKind.MeanSquaredError;
            if (conversion.Parameters.Count > Emitting.ModelEmitter.MaxArrayLength)
                throw OnnxProblems.Graph("has " + conversion.Parameters.Count + " parameters", "a model's parameters must fit one float array");
            string producer = _model.ProducerName.Length == 0 ? "an unnamed producer" : (_model.ProducerName + " " + _model.ProducerVersion).Trim();
            string description = "written by " + producer + ", opset " + _opset.ToString(CultureInfo.InvariantCulture) +
                ", IR version " + _model.IrVersion.ToString(CultureInfo.InvariantCulture);
            return new ImportedNetwork(input.Shape!.Value, input.Layout == OnnxLayout.ChannelsFirst, new EquatableArray<LayerSpec>(layers), loss,
                new FloatData(conversion.Parameters.ToArray()), description, new FloatData(conversion.State.ToArray()), new EquatableArray<long>(conversion.Counters));
        }
    }
}
