namespace ModelGen.Samples.FromPyTorch;

/// <summary>
/// The small ResNet train_resnet.py trained in PyTorch and exported with its BatchNormalization kept: the generator
/// compiles models/resnet.onnx into this class, trained weights and running statistics included. A 16-channel stem,
/// three basic blocks (16, 32 and 64 channels; the last two strided, with 1×1 projection shortcuts), global average
/// pooling and a 10-way softmax. Input [N, 1, 28, 28] (pixels / 255), output 10 probabilities.
/// </summary>
[OnnxModel("models/resnet.onnx")]
public partial class DigitsResNet;
