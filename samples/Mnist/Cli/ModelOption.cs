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
