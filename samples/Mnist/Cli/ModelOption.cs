using System.CommandLine;
using ModelGen.Samples.Mnist.Output;
using ModelGen.Samples.Mnist.Training;
using ModelGen.Serialization;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary>--model FILE for evaluate and predict, defaulting to where train writes its model.</summary>
public static class ModelOption
{
    /// <summary>Where <c>train</c> writes by default, relative to the current folder.</summary>
    public const string DefaultOutputFolder = "mnist-output";

    /// <summary>A new --model option.</summary>
    public static Option<string> Create() => new("--model", "-m")
    {
        Description = "The trained model (a safetensors file written by train).",
        HelpName = "FILE",
        DefaultValueFactory = _ => Path.Combine(DefaultOutputFolder, TrainingOutputs.ModelFile),
    };

    /// <summary>
    /// Reads the model at <paramref name="path"/>, whichever of the sample's networks it holds: its spec
    /// says which. A missing or corrupt file, or one of another network, is a ModelFileException.
    /// </summary>
    public static (MnistNetwork Network, IClassifier Model) Load(string path)
    {
        // The cases where .NET's own wording ("Access to the path is denied") would not say what to do.
        if (path.Length == 0) throw new SampleException("--model: the value is empty; name the model file train wrote (model.safetensors).");
        if (Directory.Exists(path))
            throw new SampleException($"--model: '{path}' is a folder; name the model file in it, such as {Path.Combine(path, TrainingOutputs.ModelFile)}.");
        if (File.Exists(path))
        {
            try
            {
                using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SampleException($"--model: '{path}' cannot be read ({OutputFolder.Reason(e)}).", e);
            }
        }
        string? spec = SafeTensors.ReadSpec(path);
        MnistNetwork network = MnistNetwork.FromSpec(spec) ?? throw new ModelFileException(path,
            spec is null
                ? "the file names no network (no spec in its metadata); it was not written by this sample's train"
                : $"the file holds a network this sample does not know ({spec}); train writes {MnistNetwork.Names} networks");
        // Seed 0: the parameters are about to be overwritten by the file's.
        IClassifier model = network.Create(0);
        model.Load(path);
        return (network, model);
    }
}
