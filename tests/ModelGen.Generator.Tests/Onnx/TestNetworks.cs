namespace ModelGen.Tests.OnnxFiles;

/// <summary>
/// ONNX graphs as PyTorch and tf2onnx export them, with seeded random weights: the importer's inputs in the
/// generator tests (snapshots, diagnostics, caching) and in the tests that compile and run imports.
/// </summary>
public static class TestNetworks
{
    /// <summary>Uniform values in [-scale, scale), the same for a seed on every machine.</summary>
    public static float[] Random(int count, int seed, float scale = 0.5f)
    {
        var random = new System.Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    /// <summary>torch.nn.Sequential(Linear(in, hidden), ReLU(), Linear(hidden, out), Softmax(dim=1)), as torch.onnx.export writes it.</summary>
    public static OnnxBuilder TorchMlp(int inputs = 784, int hidden = 128, int outputs = 10, long opset = 13, bool softmax = true)
    {
        var b = new OnnxBuilder { Opset = opset }
            .Input("input", null, inputs)
            .Initializer("fc1.weight", [hidden, inputs], Random(hidden * inputs, 1, 1f / MathF.Sqrt(inputs)))
            .Initializer("fc1.bias", [hidden], Random(hidden, 2, 0.1f))
            .Initializer("fc2.weight", [outputs, hidden], Random(outputs * hidden, 3, 1f / MathF.Sqrt(hidden)))
            .Initializer("fc2.bias", [outputs], Random(outputs, 4, 0.1f))
            .Node("Gemm", ["input", "fc1.weight", "fc1.bias"], ["/fc1/Gemm_output_0"], "/fc1/Gemm", OnnxBuilder.FloatAttr("alpha", 1), OnnxBuilder.FloatAttr("beta", 1), OnnxBuilder.IntAttr("transB", 1))
            .Node("Relu", ["/fc1/Gemm_output_0"], ["/relu/Relu_output_0"], "/relu/Relu")
            .Node("Gemm", ["/relu/Relu_output_0", "fc2.weight", "fc2.bias"], [softmax ? "/fc2/Gemm_output_0" : "output"], "/fc2/Gemm", OnnxBuilder.FloatAttr("alpha", 1), OnnxBuilder.FloatAttr("beta", 1), OnnxBuilder.IntAttr("transB", 1));
        if (softmax) b.Node("Softmax", ["/fc2/Gemm_output_0"], ["output"], "/softmax/Softmax", OnnxBuilder.IntAttr("axis", 1));
        return b.Output("output", null, outputs);
    }

    /// <summary>A Keras Sequential of Dense layers as tf2onnx writes it: MatMul with W [in, out], then Add of the bias.</summary>
    public static OnnxBuilder Tf2OnnxMlp(int inputs = 20, int hidden = 16, int outputs = 3) => new OnnxBuilder { Opset = 13, Producer = "tf2onnx" }
        .Input("dense_input", null, inputs)
        .Initializer("sequential/dense/MatMul/ReadVariableOp:0", [inputs, hidden], Random(inputs * hidden, 11, 0.4f))
        .Initializer("sequential/dense/BiasAdd/ReadVariableOp:0", [hidden], Random(hidden, 12, 0.1f))
        .Initializer("sequential/dense_1/MatMul/ReadVariableOp:0", [hidden, outputs], Random(hidden * outputs, 13, 0.4f))
        .Initializer("sequential/dense_1/BiasAdd/ReadVariableOp:0", [outputs], Random(outputs, 14, 0.1f))
        .Node("MatMul", ["dense_input", "sequential/dense/MatMul/ReadVariableOp:0"], ["m1"], "sequential/dense/MatMul")
        .Node("Add", ["m1", "sequential/dense/BiasAdd/ReadVariableOp:0"], ["a1"], "sequential/dense/BiasAdd")
        .Node("Tanh", ["a1"], ["t1"], "sequential/dense/Tanh")
        .Node("MatMul", ["t1", "sequential/dense_1/MatMul/ReadVariableOp:0"], ["m2"], "sequential/dense_1/MatMul")
        .Node("Add", ["sequential/dense_1/BiasAdd/ReadVariableOp:0", "m2"], ["a2"], "sequential/dense_1/BiasAdd")
        .Node("Sigmoid", ["a2"], ["dense_1"], "sequential/dense_1/Sigmoid")
        .Output("dense_1", null, outputs);

    /// <summary>A MatMul whose bias comes from a Constant node (its tensor has no name of its own), then Identity.</summary>
    public static OnnxBuilder MatMulWithConstantBias() => new OnnxBuilder().Input("x", null, 3)
        .Initializer("w", [3, 2], [1, 2, 3, 4, 5, 6])
        .Node("MatMul", ["x", "w"], ["m"], "matmul")
        .Node("Constant", [], ["b"], "bias", OnnxBuilder.TensorAttr("value", OnnxBuilder.FloatTensor("", [2], [0.5f, -0.5f])))
        .Node("Add", ["m", "b"], ["a"], "add")
        .Node("Identity", ["a"], ["y"], "identity")
        .Output("y", null, 2);

    /// <summary>
    /// A Keras convnet as tf2onnx writes it: the input stays NHWC [N, 9, 8, 2] and a Transpose makes it NCHW for
    /// the Conv (SAME_UPPER, Keras' 'same') and MaxPool; a Transpose back to NHWC, a Reshape to [-1, 48] from an
    /// initializer, then MatMul and Add. The class takes NHWC input and needs no weight permutation.
    /// </summary>
    public static OnnxBuilder Tf2OnnxConvNet() => new OnnxBuilder { Opset = 13, Producer = "tf2onnx" }
        .Input("input_1", null, 9, 8, 2)
        .Initializer("conv_w", [3, 2, 3, 3], Random(54, 41, 0.4f))
        .Initializer("conv_b", [3], Random(3, 42, 0.2f))
        .Int64Initializer("new_shape", [2], [-1, 5 * 4 * 3])
        .Initializer("dense_w", [60, 4], Random(240, 43, 0.3f))
        .Initializer("dense_b", [4], Random(4, 44, 0.1f))
        .Node("Transpose", ["input_1"], ["nchw"], "sequential/conv2d/Conv2D__6", OnnxBuilder.IntsAttr("perm", 0, 3, 1, 2))
        .Node("Conv", ["nchw", "conv_w", "conv_b"], ["c"], "sequential/conv2d/Conv2D", OnnxBuilder.TextAttr("auto_pad", "SAME_UPPER"),
            OnnxBuilder.IntsAttr("kernel_shape", 3, 3), OnnxBuilder.IntsAttr("strides", 1, 1), OnnxBuilder.IntsAttr("dilations", 1, 1))
        .Node("Relu", ["c"], ["r"], "sequential/conv2d/Relu")
        .Node("MaxPool", ["r"], ["p"], "sequential/max_pooling2d/MaxPool", OnnxBuilder.TextAttr("auto_pad", "SAME_UPPER"),
            OnnxBuilder.IntsAttr("kernel_shape", 2, 2), OnnxBuilder.IntsAttr("strides", 2, 2))
        .Node("Transpose", ["p"], ["nhwc"], "sequential/max_pooling2d/MaxPool__16", OnnxBuilder.IntsAttr("perm", 0, 2, 3, 1))
        .Node("Reshape", ["nhwc", "new_shape"], ["flat"], "sequential/flatten/Reshape")
        .Node("MatMul", ["flat", "dense_w"], ["m"], "sequential/dense/MatMul")
        .Node("Add", ["m", "dense_b"], ["a"], "sequential/dense/BiasAdd")
        .Node("Softmax", ["a"], ["dense"], "sequential/dense/Softmax")
        .Output("dense", null, 4);

    /// <summary>
    /// PyTorch's classic MNIST example's order, F.relu(F.max_pool2d(conv(x), 2)), on [N, 2, 12, 12]: the
    /// activation comes after the pooling, twice, then Flatten → Linear → Softmax.
    /// </summary>
    public static OnnxBuilder TorchPoolThenRelu() => new OnnxBuilder()
        .Input("x", null, 2, 12, 12)
        .Initializer("conv1.weight", [4, 2, 3, 3], Random(72, 31, 0.4f))
        .Initializer("conv1.bias", [4], Random(4, 32, 0.2f))
        .Initializer("conv2.weight", [6, 4, 3, 3], Random(216, 33, 0.3f))
        .Initializer("conv2.bias", [6], Random(6, 34, 0.2f))
        .Initializer("fc.weight", [3, 6], Random(18, 35, 0.5f))
        .Initializer("fc.bias", [3], Random(3, 36, 0.1f))
        .Node("Conv", ["x", "conv1.weight", "conv1.bias"], ["c1"], "/conv1/Conv", OnnxBuilder.IntsAttr("kernel_shape", 3, 3))
        .Node("MaxPool", ["c1"], ["p1"], "/MaxPool", OnnxBuilder.IntsAttr("kernel_shape", 2, 2), OnnxBuilder.IntsAttr("strides", 2, 2))
        .Node("Relu", ["p1"], ["r1"], "/Relu")
        .Node("Conv", ["r1", "conv2.weight", "conv2.bias"], ["c2"], "/conv2/Conv", OnnxBuilder.IntsAttr("kernel_shape", 3, 3))
        .Node("MaxPool", ["c2"], ["p2"], "/MaxPool_1", OnnxBuilder.IntsAttr("kernel_shape", 2, 2), OnnxBuilder.IntsAttr("strides", 2, 2))
        .Node("Sigmoid", ["p2"], ["r2"], "/Sigmoid")
        .Node("Flatten", ["r2"], ["f"], "/Flatten", OnnxBuilder.IntAttr("axis", 1))
        .Node("Gemm", ["f", "fc.weight", "fc.bias"], ["z"], "/fc/Gemm", OnnxBuilder.IntAttr("transB", 1))
        .Node("Softmax", ["z"], ["y"], "/Softmax", OnnxBuilder.IntAttr("axis", 1))
        .Output("y", null, 3);

    /// <summary>
    /// A PyTorch convnet on [N, channels, 12, 10]: Conv(6, 3×3, padding=1) → LeakyReLU → MaxPool(2) →
    /// Conv(8, 3×3, stride 2, padding=1) → Tanh → Dropout → x.view(x.size(0), -1) → Linear(classes) → Softmax.
    /// The second conv's padding is PyTorch's symmetric padding=1 with stride 2, which Keras' 'same' is not.
    /// </summary>
    public static OnnxBuilder TorchConvNet(int channels = 3, int classes = 5, long opset = 13, bool viewChain = true)
    {
        const int H = 12, W = 10;
        // After conv1 (pad 1): 12×10×6; pool 2: 6×5×6; conv2 (stride 2, pad 1): 3×3×8.
        int flat = 8 * 3 * 3;
        var b = new OnnxBuilder { Opset = opset }
            .Input("x", null, channels, H, W)
            .Initializer("conv1.weight", [6, channels, 3, 3], Random(6 * channels * 9, 21, 0.4f))
            .Initializer("conv1.bias", [6], Random(6, 22, 0.1f))
            .Initializer("conv2.weight", [8, 6, 3, 3], Random(8 * 6 * 9, 23, 0.3f))
            .Initializer("conv2.bias", [8], Random(8, 24, 0.1f))
            .Initializer("fc.weight", [classes, flat], Random(classes * flat, 25, 0.3f))
            .Initializer("fc.bias", [classes], Random(classes, 26, 0.1f))
            .Node("Conv", ["x", "conv1.weight", "conv1.bias"], ["c1"], "/conv1/Conv",
                OnnxBuilder.IntsAttr("dilations", 1, 1), OnnxBuilder.IntAttr("group", 1), OnnxBuilder.IntsAttr("kernel_shape", 3, 3),
                OnnxBuilder.IntsAttr("pads", 1, 1, 1, 1), OnnxBuilder.IntsAttr("strides", 1, 1))
            .Node("LeakyRelu", ["c1"], ["r1"], "/act1/LeakyRelu", OnnxBuilder.FloatAttr("alpha", 0.1f))
            .Node("MaxPool", ["r1"], ["p1"], "/pool/MaxPool", OnnxBuilder.IntAttr("ceil_mode", 0), OnnxBuilder.IntsAttr("kernel_shape", 2, 2),
                OnnxBuilder.IntsAttr("pads", 0, 0, 0, 0), OnnxBuilder.IntsAttr("strides", 2, 2))
            .Node("Conv", ["p1", "conv2.weight", "conv2.bias"], ["c2"], "/conv2/Conv",
                OnnxBuilder.IntsAttr("dilations", 1, 1), OnnxBuilder.IntAttr("group", 1), OnnxBuilder.IntsAttr("kernel_shape", 3, 3),
                OnnxBuilder.IntsAttr("pads", 1, 1, 1, 1), OnnxBuilder.IntsAttr("strides", 2, 2))
            .Node("Tanh", ["c2"], ["t2"], "/act2/Tanh")
            .Initializer("ratio", [], [0.25f])
            .Node("Dropout", ["t2", "ratio"], ["d2"], "/dropout/Dropout");
        if (viewChain)
        {
            b.Node("Shape", ["d2"], ["s"], "/Shape")
             .Node("Constant", [], ["zero"], "/Constant", OnnxBuilder.TensorAttr("value", OnnxBuilder.Int64Tensor("", [], [0])))
             .Node("Gather", ["s", "zero"], ["n"], "/Gather", OnnxBuilder.IntAttr("axis", 0))
             .Node("Constant", [], ["axes"], "/Constant_1", OnnxBuilder.TensorAttr("value", OnnxBuilder.Int64Tensor("", [1], [0])))
             .Node("Unsqueeze", ["n", "axes"], ["n1"], "/Unsqueeze")
             .Node("Constant", [], ["minus1"], "/Constant_2", OnnxBuilder.TensorAttr("value", OnnxBuilder.Int64Tensor("", [1], [-1])))
             .Node("Concat", ["n1", "minus1"], ["shape"], "/Concat", OnnxBuilder.IntAttr("axis", 0))
             .Node("Reshape", ["d2", "shape"], ["flat"], "/Reshape");
        }
        else b.Node("Flatten", ["d2"], ["flat"], "/flatten/Flatten", OnnxBuilder.IntAttr("axis", 1));
        return b
            .Node("Gemm", ["flat", "fc.weight", "fc.bias"], ["z"], "/fc/Gemm", OnnxBuilder.FloatAttr("alpha", 1), OnnxBuilder.FloatAttr("beta", 1), OnnxBuilder.IntAttr("transB", 1))
            .Node("Softmax", ["z"], ["y"], "/softmax/Softmax", OnnxBuilder.IntAttr("axis", 1))
            .Output("y", null, classes);
    }
}
