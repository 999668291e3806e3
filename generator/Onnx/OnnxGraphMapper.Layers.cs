using System;
using System.Collections.Generic;
using System.Globalization;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Onnx
{
    // The nodes that become layers, and the integer side-computations of a reshape.
    internal sealed partial class OnnxGraphMapper
    {
        private static readonly ActivationSpec Identity = new ActivationSpec(ActivationKind.Identity, 0f);

        // ---------------------------------------------------------------- Dense: Gemm, MatMul + Add

        private void Gemm(OnnxNodeProto node)
        {
            RequireFlat(node);
            if ((node.Attribute("transA")?.I ?? 0) != 0) throw NodeProblem(node, "has transA = 1", "ModelGen imports Gemm with transA = 0 (the batch along the rows)");
            float alpha = node.Attribute("alpha")?.F ?? 1f, beta = node.Attribute("beta")?.F ?? 1f;
            if (alpha != 1f || beta != 1f)
                throw NodeProblem(node, "has alpha " + Format.Float(alpha) + " and beta " + Format.Float(beta), "ModelGen imports Gemm with alpha = beta = 1");
            long transB = node.Attribute("transB")?.I ?? 0;
            if (node.Inputs.Count < 2) throw NodeProblem(node, "has no B input", "Gemm reads A, B and optionally C");
            OnnxTensorProto weights = Initializer(node, 1);
            int inputs = (int)_shape.Size;
            if (weights.Dims.Count != 2) throw TensorShape(node, weights, transB == 1 ? "[units, " + Format.Int(inputs) + "]" : "[" + Format.Int(inputs) + ", units]");
            long units = transB == 1 ? weights.Dims[0] : weights.Dims[1];
            long fanIn = transB == 1 ? weights.Dims[1] : weights.Dims[0];
            if (fanIn != inputs || units < 1 || units > int.MaxValue)
                throw TensorShape(node, weights, transB == 1 ? "[units, " + Format.Int(inputs) + "] (transB = 1) for its input " + CurrentText() : "[" + Format.Int(inputs) + ", units] for its input " + CurrentText());
            float[] w = Values(node, weights);
            float[]? b = node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? Biases(node, node.Inputs[2], _tensors.Constant(node.Inputs[2]), (int)units) : null;
            AddDense(node, weights.Name, w, transB == 1, (int)units, b);
        }

        private void MatMul(OnnxNodeProto node)
        {
            RequireFlat(node);
            if (node.Inputs.Count < 2) throw NodeProblem(node, "has no second input", "MatMul reads A and B");
            OnnxTensorProto weights = Initializer(node, 1);
            int inputs = (int)_shape.Size;
            if (weights.Dims.Count != 2 || weights.Dims[0] != inputs || weights.Dims[1] < 1 || weights.Dims[1] > int.MaxValue)
                throw TensorShape(node, weights, "[" + Format.Int(inputs) + ", units] for its input " + CurrentText());
            AddDense(node, weights.Name, Values(node, weights), false, (int)weights.Dims[1], null);
            // Zero biases until an Add supplies them (a MatMul without one is a layer without bias).
            _biasesAwaitingAdd = _parameters.Count - (int)weights.Dims[1];
        }

        /// <summary>The Add after a MatMul: x·W + b with b a vector of the layer's units.</summary>
        private void AddBias(OnnxNodeProto node)
        {
            if (_biasesAwaitingAdd < 0 || node.Inputs.Count != 2)
                throw NodeProblem(node, "does not add a bias to the output of a MatMul", "ModelGen imports Add only as the bias of the MatMul right before it");
            var dense = (DenseSpec)_layers[_layers.Count - 1];
            string biasName = node.Inputs[0] == _current ? node.Inputs[1] : node.Inputs[0];
            float[] b = Biases(node, biasName, _tensors.Constant(biasName), dense.Units);
            for (int i = 0; i < b.Length; i++) _parameters[_biasesAwaitingAdd + i] = b[i];
            _layers[_layers.Count - 1] = dense with { HasBias = true };
            _biasesAwaitingAdd = -1;
            Advance(node, canFoldActivation: true);
        }

        private void AddDense(OnnxNodeProto node, string weightName, float[] onnxWeights, bool transposed, int units, float[]? biases)
        {
            int inputs = (int)_shape.Size;
            if ((long)inputs * units > Emitting.ModelEmitter.MaxArrayLength) throw TensorShape(node, Initializer(node, 1), "a size that fits one array");
            // ModelGen's W is [inputs, units], rows in (h, w, c) order after a flatten.
            var w = new float[(long)inputs * units];
            Shape? image = _flattenedImage;
            bool permute = image is { } im && _flattenedChannelsFirst && im.Channels > 1;
            for (int row = 0; row < inputs; row++)
            {
                int onnxRow = permute ? ChannelsFirstIndex(row, image!.Value) : row;
                for (int u = 0; u < units; u++)
                    w[(long)row * units + u] = transposed ? onnxWeights[(long)u * inputs + onnxRow] : onnxWeights[(long)onnxRow * units + u];
            }
            string name = LayerName(DenseLayer.Instance, weightName);
            // Without biases (a Gemm without C; a MatMul until its Add supplies them) the layer has none, as in PyTorch: its b
            // stays 0, untrained and unsaved.
            _layers.Add(new DenseSpec(name, _shape, Shape.Flat(units), Identity, _flattenedImage, SavedName(weightName, name, transposed), HasBias: biases is not null));
            _parameters.AddRange(w);
            _parameters.AddRange(biases ?? new float[units]);
            _shape = Shape.Flat(units);
            _flattenedImage = null;
            _biasesAwaitingAdd = -1;
            Advance(node, canFoldActivation: true);
        }

        /// <summary>
        /// PyTorch's state_dict name of a layer whose weight is "features.8.weight" ("features.8"), so Save writes the
        /// tensors under the names PyTorch loads; null when the layer's own name is that already, or when the weight is
        /// not PyTorch's (a MatMul's [in, out] matrix is not nn.Linear.weight, and tf2onnx names are not state_dict names).
        /// </summary>
        private static string? SavedName(string weightName, string layerName, bool pyTorchLayout)
        {
            const string Suffix = ".weight";
            if (!pyTorchLayout || !weightName.EndsWith(Suffix, StringComparison.Ordinal) || weightName.Length == Suffix.Length) return null;
            string stem = weightName.Substring(0, weightName.Length - Suffix.Length);
            foreach (char c in stem) if (c == '"' || c == '\\' || char.IsControl(c)) return null; // it goes into a string literal
            return stem == layerName ? null : stem;
        }

        /// <summary>Where ONNX's flattened channels-first tensor holds the value that ModelGen's (h, w, c) order has at <paramref name="index"/>.</summary>
        private static int ChannelsFirstIndex(int index, Shape image)
        {
            int c = index % image.Channels, pixel = index / image.Channels;
            int h = pixel / image.Width, w = pixel % image.Width;
            return (c * image.Height + h) * image.Width + w;
        }

        private void RequireFlat(OnnxNodeProto node)
        {
            if (_layout != OnnxLayout.Flat)
                throw NodeProblem(node, "reads the image " + CurrentText(), "ModelGen imports Gemm and MatMul on [N, features]: flatten the image first (Flatten, or Reshape to [N, -1])");
        }

        // ---------------------------------------------------------------- Conv, MaxPool

        private void Conv(OnnxNodeProto node)
        {
            RequireChannelsFirst(node);
            if (node.Inputs.Count < 2) throw NodeProblem(node, "has no weight input", "Conv reads X, W and optionally B");
            OnnxTensorProto weights = Initializer(node, 1);
            int channels = _shape.Channels;
            if (weights.Dims.Count != 4 || weights.Dims[1] != channels || weights.Dims[0] < 1 || weights.Dims[2] < 1 || weights.Dims[3] < 1 ||
                weights.Dims[0] > int.MaxValue || weights.Dims[2] > int.MaxValue || weights.Dims[3] > int.MaxValue)
            {
                long group = node.Attribute("group")?.I ?? 1;
                if (group != 1) throw NodeProblem(node, "has group " + group.ToString(CultureInfo.InvariantCulture), "ModelGen imports Conv with group 1 (no grouped or depthwise convolution)");
                throw TensorShape(node, weights, "[filters, " + Format.Int(channels) + ", kh, kw] for its input " + CurrentText());
            }
            int filters = (int)weights.Dims[0], kh = (int)weights.Dims[2], kw = (int)weights.Dims[3];
            if ((node.Attribute("group")?.I ?? 1) != 1)
                throw NodeProblem(node, "has group " + node.Attribute("group")!.I.ToString(CultureInfo.InvariantCulture), "ModelGen imports Conv with group 1 (no grouped or depthwise convolution)");
            CheckKernelShape(node, kh, kw);
            Window window = WindowOf(node, kh, kw);
            float[] onnxWeights = Values(node, weights);
            float[]? biases = node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? Biases(node, node.Inputs[2], _tensors.Constant(node.Inputs[2]), filters) : null;

            // ONNX's W [F, C, kh, kw] → ModelGen's [kh, kw, C, F].
            var w = new float[(long)kh * kw * channels * filters];
            for (int f = 0; f < filters; f++)
                for (int c = 0; c < channels; c++)
                    for (int y = 0; y < kh; y++)
                        for (int x = 0; x < kw; x++)
                            w[((long)(y * kw + x) * channels + c) * filters + f] = onnxWeights[(((long)f * channels + c) * kh + y) * kw + x];
            string name = LayerName(Conv2DLayer.Instance, weights.Name);
            var output = Shape.Image(window.OutputHeight, window.OutputWidth, filters);
            CheckSize(output, "the output of " + node.Display);
            if ((long)window.OutputHeight * window.OutputWidth * kh * kw * channels > Emitting.ModelEmitter.MaxArrayLength)
                throw GraphProblem("has a patch matrix too large for one array at " + node.Display, "a sample's tensors must fit one array");
            // A Conv without B (nn.Conv2d(bias=False)) has no bias, as in PyTorch: its b stays 0, untrained and unsaved.
            _layers.Add(new Conv2DSpec(name, _shape, output, window, Identity, SavedName(weights.Name, name, pyTorchLayout: true), HasBias: biases is not null));
            _parameters.AddRange(w);
            _parameters.AddRange(biases ?? new float[filters]);
            _shape = output;
            Advance(node, canFoldActivation: true);
        }

        private void MaxPool(OnnxNodeProto node)
        {
            RequireChannelsFirst(node);
            OnnxAttributeProto? kernel = node.Attribute("kernel_shape");
            if (kernel is null || kernel.Ints.Count != 2 || kernel.Ints[0] < 1 || kernel.Ints[1] < 1 || kernel.Ints[0] > _shape.Height || kernel.Ints[1] > _shape.Width)
                throw NodeProblem(node, "has kernel_shape " + Ints(kernel?.Ints) + " for its input " + CurrentText(), "ModelGen imports 2-D MaxPool with a kernel that fits the image");
            if ((node.Attribute("ceil_mode")?.I ?? 0) != 0) throw NodeProblem(node, "has ceil_mode 1", "ModelGen imports MaxPool with ceil_mode 0");
            if ((node.Attribute("storage_order")?.I ?? 0) != 0) throw NodeProblem(node, "has storage_order 1", "ModelGen imports MaxPool with storage_order 0");
            Window window = WindowOf(node, (int)kernel.Ints[0], (int)kernel.Ints[1]);
            if (window.Padding == PaddingKind.Explicit)
                throw NodeProblem(node, "has pads " + Ints(node.Attribute("pads")?.Ints), "ModelGen imports MaxPool without padding (pads 0), or with exactly Keras' 'same' padding");
            var output = Shape.Image(window.OutputHeight, window.OutputWidth, _shape.Channels);
            bool afterConv = _canFoldActivation && _layers.Count > 0 && _layers[_layers.Count - 1] is Conv2DSpec { Activation.Kind: ActivationKind.Identity };
            _layers.Add(new MaxPool2DSpec(LayerName(MaxPool2DLayer.Instance, null), _shape, output, window));
            _shape = output;
            Advance(node);
            _canFoldThroughPool = afterConv;
        }

        private void RequireChannelsFirst(OnnxNodeProto node)
        {
            if (_layout != OnnxLayout.ChannelsFirst || !_shape.IsImage)
                throw NodeProblem(node, "reads " + CurrentText(), "ModelGen imports " + node.OpType + " on channels-first images [N, C, H, W]");
        }

        private static void CheckKernelShape(OnnxNodeProto node, int kh, int kw)
        {
            OnnxAttributeProto? kernel = node.Attribute("kernel_shape");
            if (kernel is not null && (kernel.Ints.Count != 2 || kernel.Ints[0] != kh || kernel.Ints[1] != kw))
                throw NodeProblem(node, "has kernel_shape " + Ints(kernel.Ints) + " but weights of " + Format.Int(kh) + "×" + Format.Int(kw),
                    "the kernel shape must match the weights");
        }

        /// <summary>strides, pads, dilations and auto_pad of a Conv or MaxPool, as a ModelGen window.</summary>
        private Window WindowOf(OnnxNodeProto node, int kh, int kw)
        {
            OnnxAttributeProto? dilations = node.Attribute("dilations");
            if (dilations is not null && dilations.Ints.Exists(d => d != 1))
                throw NodeProblem(node, "has dilations " + Ints(dilations.Ints), "ModelGen imports dilation 1");
            OnnxAttributeProto? strides = node.Attribute("strides");
            long sh = 1, sw = 1;
            if (strides is not null)
            {
                if (strides.Ints.Count != 2 || strides.Ints[0] < 1 || strides.Ints[1] < 1 || strides.Ints[0] > 4096 || strides.Ints[1] > 4096)
                    throw NodeProblem(node, "has strides " + Ints(strides.Ints), "ModelGen imports two positive strides");
                sh = strides.Ints[0];
                sw = strides.Ints[1];
            }
            string autoPad = node.Attribute("auto_pad") is { } a ? System.Text.Encoding.UTF8.GetString(a.S) : "NOTSET";
            long top = 0, left = 0, bottom = 0, right = 0;
            switch (autoPad)
            {
                case "NOTSET":
                case "":
                    OnnxAttributeProto? pads = node.Attribute("pads");
                    if (pads is not null)
                    {
                        if (pads.Ints.Count != 4 || pads.Ints.Exists(p => p < 0 || p > 4096))
                            throw NodeProblem(node, "has pads " + Ints(pads.Ints), "ModelGen imports four pads ≥ 0 [top, left, bottom, right]");
                        top = pads.Ints[0]; left = pads.Ints[1]; bottom = pads.Ints[2]; right = pads.Ints[3];
                    }
                    break;
                case "VALID":
                    break;
                case "SAME_UPPER":
                    // Keras' 'same': the odd padding pixel at the bottom or right.
                    (top, bottom) = SameUpper(_shape.Height, kh, sh);
                    (left, right) = SameUpper(_shape.Width, kw, sw);
                    break;
                default:
                    throw NodeProblem(node, "has auto_pad " + autoPad, "ModelGen imports auto_pad NOTSET (explicit pads), VALID or SAME_UPPER");
            }
            Window? window = Window.FromPads(_shape, kh, kw, (int)sh, (int)sw, top, left, bottom, right);
            if (window is null)
                throw NodeProblem(node, "has a " + Format.Int(kh) + "×" + Format.Int(kw) + " window that does not fit its input " + CurrentText(), "the window must fit the padded image");
            return window;
        }

        private static (long Before, long After) SameUpper(int input, int window, long stride)
        {
            long output = (input + stride - 1) / stride;
            long total = Math.Max((output - 1) * stride + window - input, 0);
            return (total / 2, total - total / 2);
        }

        // ---------------------------------------------------------------- layout: Flatten, Reshape, Transpose; Dropout

        private void Flatten(OnnxNodeProto node)
        {
            long axis = node.Attribute("axis")?.I ?? 1;
            if (axis != 1) throw NodeProblem(node, "has axis " + axis.ToString(CultureInfo.InvariantCulture), "ModelGen imports Flatten with axis 1 (each sample becomes a row)");
            FlattenCurrent(node);
        }

        private void FlattenCurrent(OnnxNodeProto node)
        {
            if (_layout == OnnxLayout.Flat)
            {
                Advance(node, _canFoldActivation);
                return;
            }
            _layers.Add(new FlattenSpec(LayerName(FlattenLayer.Instance, null), _shape, Shape.Flat((int)_shape.Size)));
            _flattenedImage = _shape;
            _flattenedChannelsFirst = _layout == OnnxLayout.ChannelsFirst;
            _shape = Shape.Flat((int)_shape.Size);
            _layout = OnnxLayout.Flat;
            Advance(node);
        }

        private void Reshape(OnnxNodeProto node)
        {
            long[]? target = node.Inputs.Count > 1 ? _tensors.Integers(node.Inputs[1]) : null;
            if (target is null)
                throw NodeProblem(node, "reshapes to a shape that is not a constant or computed from the input's shape",
                    "ModelGen imports Reshape to [N, -1] from a Constant, an initializer or PyTorch's x.view(x.size(0), -1)");
            long size = _shape.Size;
            bool batchFirst = target.Length == 2 && (target[0] == OnnxTensors.Batch || target[0] == 0 || target[0] == -1) &&
                              (target[1] == -1 || target[1] == size);
            bool batchInferred = target.Length == 2 && target[0] == -1 && target[1] == size;
            if (!batchFirst && !batchInferred)
                throw NodeProblem(node, "reshapes " + CurrentText() + " to " + OnnxTensors.Text(target),
                    "ModelGen imports Reshape only as a flatten, to [N, -1] or [-1, " + Format.Long(size) + "]");
            FlattenCurrent(node);
        }

        private void Transpose(OnnxNodeProto node)
        {
            List<long> perm = node.Attribute("perm")?.Ints ?? new List<long>();
            bool toFirst = perm.Count == 4 && perm[0] == 0 && perm[1] == 3 && perm[2] == 1 && perm[3] == 2;
            bool toLast = perm.Count == 4 && perm[0] == 0 && perm[1] == 2 && perm[2] == 3 && perm[3] == 1;
            if (toFirst && _current == _inputName && _layers.Count == 0 && _inputDims.Length == 3)
            {
                // The input is [N, H, W, C], as ModelGen's own exports declare it: the class takes it that way.
                _inputChannelsFirst = false;
                _shape = Image(_inputDims[0], _inputDims[1], _inputDims[2]);
                _layout = OnnxLayout.ChannelsFirst;
            }
            else if (toFirst && _layout == OnnxLayout.ChannelsLast) _layout = OnnxLayout.ChannelsFirst;
            else if (toLast && _layout == OnnxLayout.ChannelsFirst) _layout = OnnxLayout.ChannelsLast;
            else
                throw NodeProblem(node, "has perm " + Ints(perm) + " on " + CurrentText(),
                    "ModelGen imports Transpose only between NCHW and NHWC (perm [0, 3, 1, 2] or [0, 2, 3, 1])");
            Advance(node);
        }

        private void Dropout(OnnxNodeProto node)
        {
            // Opset 12 moved the ratio from an attribute to the second input; 0.5 when absent.
            float rate = node.Attribute("ratio")?.F ?? 0.5f;
            if (node.Inputs.Count > 1 && node.Inputs[1].Length > 0)
            {
                OnnxTensorProto? ratio = _tensors.Constant(node.Inputs[1]);
                float[]? values = ratio is null ? null : OnnxTensors.Floats(ratio);
                if (values is null || values.Length != 1)
                    throw NodeProblem(node, "has a ratio that is not a float constant", "ModelGen imports Dropout with a constant ratio");
                rate = values[0];
            }
            if (!(rate >= 0f && rate < 1f))
                throw NodeProblem(node, "has ratio " + Format.Float(rate), "ModelGen imports Dropout with a ratio ≥ 0 and < 1");
            _layers.Add(new DropoutSpec(LayerName(DropoutLayer.Instance, null), _shape, _shape, rate));
            Advance(node);
        }

        // ---------------------------------------------------------------- integer side-computations

        /// <summary>
        /// Evaluates Constant, Shape, Gather, Unsqueeze, Squeeze, Concat, Cast and Slice nodes whose inputs are
        /// known, so a later Reshape can read its target shape. Returns false for the chain's own nodes.
        /// </summary>
        private bool TryInteger(OnnxNodeProto node)
        {
            if (node.Outputs.Count == 0) return false;
            string output = node.Outputs[0];
            switch (node.OpType)
            {
                case "Constant":
                    OnnxAttributeProto? value = node.Attribute("value");
                    if (value?.T is { } tensor) _tensors.AddConstant(tensor, output);
                    else if (node.Attribute("value_ints") is { } ints) _tensors.SetIntegers(output, ints.Ints.ToArray());
                    else if (node.Attribute("value_int") is { } one) _tensors.SetIntegers(output, new[] { one.I });
                    else if (node.Attribute("value_float") is { } f) _tensors.AddConstant(FloatScalar(f.F), output);
                    else throw NodeProblem(node, "holds no tensor, int or float value", "ModelGen reads Constant nodes with value, value_int(s) or value_float");
                    return true;
                case "Shape":
                    if (node.Inputs.Count == 0 || node.Inputs[0] != _current) return false;
                    _tensors.SetIntegers(output, CurrentDims());
                    return true;
                case "Gather":
                case "Unsqueeze":
                case "Squeeze":
                case "Concat":
                case "Cast":
                case "Slice":
                    if (node.Inputs.Count == 0 || node.Inputs[0] == _current) return false;
                    long[]? result = Evaluate(node);
                    if (result is null)
                        throw NodeProblem(node, "computes something other than a reshape's target shape",
                            "ModelGen imports " + node.OpType + " only in the integer computation of a Reshape's shape");
                    _tensors.SetIntegers(output, result);
                    return true;
                default:
                    return false;
            }
        }

        private long[] CurrentDims() => _layout switch
        {
            OnnxLayout.Flat => new[] { OnnxTensors.Batch, _shape.Size },
            OnnxLayout.ChannelsFirst => new[] { OnnxTensors.Batch, _shape.Channels, _shape.Height, (long)_shape.Width },
            _ => new[] { OnnxTensors.Batch, _shape.Height, _shape.Width, (long)_shape.Channels },
        };

        private long[]? Evaluate(OnnxNodeProto node)
        {
            var inputs = new List<long[]>();
            foreach (string input in node.Inputs)
            {
                if (input.Length == 0) { inputs.Add(Array.Empty<long>()); continue; }
                long[]? values = _tensors.Integers(input);
                if (values is null) return null;
                inputs.Add(values);
            }
            long[] data = inputs[0];
            switch (node.OpType)
            {
                case "Gather":
                    if ((node.Attribute("axis")?.I ?? 0) != 0 || inputs.Count != 2) return null;
                    var gathered = new List<long>();
                    foreach (long index in inputs[1])
                    {
                        long i = index < 0 ? index + data.Length : index;
                        if (i < 0 || i >= data.Length) return null;
                        gathered.Add(data[i]);
                    }
                    return gathered.ToArray();
                case "Unsqueeze":
                case "Squeeze":
                case "Cast":
                    return data; // a scalar and a one-element vector hold the same values
                case "Concat":
                    var all = new List<long>();
                    foreach (long[] part in inputs) all.AddRange(part);
                    return all.ToArray();
                case "Slice":
                    if (inputs.Count < 3 || inputs[1].Length != 1 || inputs[2].Length != 1) return null;
                    long start = Math.Max(0, Math.Min(data.Length, inputs[1][0] < 0 ? inputs[1][0] + data.Length : inputs[1][0]));
                    long end = Math.Max(0, Math.Min(data.Length, inputs[2][0] < 0 ? inputs[2][0] + data.Length : inputs[2][0]));
                    var sliced = new List<long>();
                    for (long i = start; i < end; i++) sliced.Add(data[i]);
                    return sliced.ToArray();
                default:
                    return null;
            }
        }

        private static OnnxTensorProto FloatScalar(float value)
        {
            var tensor = new OnnxTensorProto { DataType = OnnxDataType.Float };
            tensor.FloatData.Add(value);
            return tensor;
        }

        // ---------------------------------------------------------------- tensors

        private OnnxTensorProto Initializer(OnnxNodeProto node, int input) =>
            Usable(node, node.Inputs[input], _tensors.Constant(node.Inputs[input]));

        /// <summary>The tensor named <paramref name="name"/> if it is float32 data stored in the file; otherwise the problem.</summary>
        private static OnnxTensorProto Usable(OnnxNodeProto node, string name, OnnxTensorProto? tensor)
        {
            if (tensor is null)
                throw TensorProblem(node, "reads '" + name + "', which is neither an initializer nor a Constant",
                    "ModelGen imports weights stored in the file (a missing initializer, or weights computed by other nodes, cannot be imported)");
            if (tensor.External)
                throw TensorProblem(node, "reads '" + name + "', whose data is stored outside the .onnx file (external data)",
                    "ModelGen imports files with their weights inside; save with save_as_external_data=False");
            if (tensor.DataType != OnnxDataType.Float)
                throw TensorProblem(node, "reads '" + name + "' of type " + OnnxDataType.Name(tensor.DataType), "ModelGen imports float32 weights");
            if (tensor.Name.Length == 0) tensor.Name = name; // a Constant node's tensor: named after the node's output in messages
            return tensor;
        }

        private static float[] Values(OnnxNodeProto node, OnnxTensorProto tensor)
        {
            long expected = OnnxTensors.ElementCount(tensor.Dims);
            float[]? values = OnnxTensors.Floats(tensor);
            if (values is null || expected < 0 || values.Length != expected)
                throw TensorProblem(node, "reads '" + tensor.Name + "' with dims " + tensor.DimsText + " but " +
                    (values is null ? "data that is not whole float32 values" : Format.Count(values.Length) + " values"),
                    "a tensor must hold exactly as many values as its dims give");
            return values;
        }

        /// <summary>A bias vector of <paramref name="units"/> values, [units] or [1, units].</summary>
        private static float[] Biases(OnnxNodeProto node, string name, OnnxTensorProto? tensor, int units)
        {
            OnnxTensorProto usable = Usable(node, name, tensor);
            bool shapeFits = (usable.Dims.Count == 1 && usable.Dims[0] == units) || (usable.Dims.Count == 2 && usable.Dims[0] == 1 && usable.Dims[1] == units);
            if (!shapeFits) throw TensorShape(node, usable, "[" + Format.Int(units) + "]");
            return Values(node, usable);
        }

        private static OnnxImportException TensorShape(OnnxNodeProto node, OnnxTensorProto tensor, string expected) =>
            TensorProblem(node, "reads '" + tensor.Name + "' with dims " + tensor.DimsText, "ModelGen expects " + expected);

        private static string Ints(List<long>? values) =>
            values is null ? "(none)" : "[" + string.Join(", ", values.ConvertAll(v => v.ToString(CultureInfo.InvariantCulture))) + "]";
    }
}
