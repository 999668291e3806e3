using ModelGen.Serialization;

namespace ModelGen.Samples.Serve.Hosting;

/// <summary>Which network a --model file holds, or a one-line reason why it cannot be served.</summary>
internal static class ModelFileCheck
{
    /// <exception cref="ServeException">The path is empty, a folder, unreadable, or names no network this sample serves.</exception>
    /// <exception cref="ModelFileException">The file is missing or is not a safetensors file.</exception>
    public static MnistNetwork Identify(string path)
    {
        if (path.Length == 0) throw new ServeException("--model: the value is empty; name the model file train wrote (mnist-output/model.safetensors).");
        if (Directory.Exists(path))
            throw new ServeException($"--model: '{path}' is a folder; name the model file in it, such as {Path.Combine(path, "model.safetensors")}.");
        string? spec = SafeTensors.ReadSpec(path);
        return MnistNetwork.FromSpec(spec) ?? throw new ModelFileException(path, spec is null
            ? "the file names no network (no spec in its metadata); serve a model file written by the MNIST sample's train"
            : $"the file holds a network this sample does not serve ({spec}); it serves the MNIST sample's {MnistNetwork.Names}");
    }
}
