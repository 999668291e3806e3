namespace ModelGen.Samples.FromPyTorch;

/// <summary>
/// Keras' MNIST convnet as train_digits.py trained it in PyTorch: the generator compiles models/digits.onnx
/// into this class, trained weights included. Input [N, 1, 28, 28] (pixels / 255), output 10 probabilities.
/// </summary>
[OnnxModel("models/digits.onnx")]
public partial class Digits;
